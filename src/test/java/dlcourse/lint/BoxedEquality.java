package dlcourse.lint;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.Plugin;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.util.Set;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;

/**
 * A javac plugin ({@code -Xplugin:BoxedEquality}) that rejects {@code ==} and {@code !=} between
 * two boxed primitives ({@code Integer == Integer}, {@code Double != Double}, …). Such a comparison
 * compares references: it holds for small integers, which the JVM caches (−128…127), and fails for
 * larger ones — a test passes in the smoke profile and fails in the laptop one. Comparing a boxed
 * value with a primitive unboxes it and is left alone.
 *
 * <p>It is the rule of Error Prone's {@code BoxedPrimitiveEquality}, written out because Error
 * Prone cannot analyse JShell snippets (its data-flow analysis needs compiler state that JShell's
 * task pool does not provide: {@code IllegalStateException} in {@code
 * JavacTaskImpl.prepareCompiler}), and the notebooks are JShell. {@link CompilerLintTest} runs it
 * over the library and every notebook.
 */
public final class BoxedEquality implements Plugin {

    static final String NAME = "BoxedEquality";
    private static final Set<String> BOXES =
            Set.of(
                    "java.lang.Integer",
                    "java.lang.Long",
                    "java.lang.Short",
                    "java.lang.Byte",
                    "java.lang.Character",
                    "java.lang.Float",
                    "java.lang.Double",
                    "java.lang.Boolean");

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public void init(JavacTask task, String... args) {
        Trees trees = Trees.instance(task);
        task.addTaskListener(
                new TaskListener() {
                    @Override
                    public void finished(TaskEvent event) {
                        if (event.getKind() == TaskEvent.Kind.ANALYZE) {
                            new Scanner(trees, event.getCompilationUnit())
                                    .scan(new TreePath(event.getCompilationUnit()), null);
                        }
                    }
                });
    }

    private static final class Scanner extends TreePathScanner<Void, Void> {
        private final Trees trees;
        private final CompilationUnitTree unit;

        Scanner(Trees trees, CompilationUnitTree unit) {
            this.trees = trees;
            this.unit = unit;
        }

        @Override
        public Void visitBinary(BinaryTree tree, Void unused) {
            boolean equality =
                    tree.getKind() == Tree.Kind.EQUAL_TO
                            || tree.getKind() == Tree.Kind.NOT_EQUAL_TO;
            if (equality && boxed(tree.getLeftOperand()) && boxed(tree.getRightOperand())) {
                trees.printMessage(
                        Diagnostic.Kind.ERROR,
                        "["
                                + NAME
                                + "] "
                                + tree.getKind().name().toLowerCase()
                                + " between two boxed numbers compares references, not values (it"
                                + " holds only inside the JVM's cache of small values): use"
                                + " equals(), or compare primitives",
                        tree,
                        unit);
            }
            return super.visitBinary(tree, unused);
        }

        private boolean boxed(ExpressionTree operand) {
            TypeMirror type = trees.getTypeMirror(new TreePath(getCurrentPath(), operand));
            return type != null
                    && type.getKind() == TypeKind.DECLARED
                    && BOXES.contains(
                            ((TypeElement) ((DeclaredType) type).asElement())
                                    .getQualifiedName()
                                    .toString());
        }
    }
}
