package dlcourse.grading;

/**
 * A failed check in a graded test cell. An {@link AssertionError}, so a cell that calls a check
 * fails exactly like one with a Java {@code assert}; the message (in Russian) says what was
 * expected and what was found, and the grader shows it to the student.
 */
public final class CheckFailure extends AssertionError {

    public CheckFailure(String message) {
        super(message);
    }
}
