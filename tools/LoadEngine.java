/**
 * Loads DJL's PyTorch engine once, so that libtorch is extracted into ENGINE_CACHE_DIR, where every
 * student's kernel then reads it (tools/hub/install.sh and the course image run this as a single-file program).
 */
public class LoadEngine {
  public static void main(String[] args) {
    ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine("PyTorch");
    System.out.println("engine " + engine.getEngineName() + " " + engine.getVersion() + " ready");
  }
}
