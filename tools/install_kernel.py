"""Install the course's Jupyter kernel spec ('java-dl') into the virtual environment.

It reuses the JJava jars that the `jjava` wheel put under <venv>/share/jupyter/kernels/java
and adds what the course needs: the library and its Maven dependencies on the classpath,
assertions on, DJL offline, a 4 GiB heap, and logging that goes to stdout, never stderr
(nbgrader scores a test cell zero on any stderr output).
"""
import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import course_kernel

ROOT = Path(__file__).resolve().parent.parent
KERNEL_NAME = course_kernel.NAME
DISPLAY_NAME = "Java (DJL) — Интеллектуальные системы, лекции 7–8"


# DJL's own variables for a libtorch other than the CPU jar from Maven (README, "GPU").
LIBTORCH_VARIABLES = ("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR")


def jvm_options(root: Path, offline: bool, heap: str = "4g") -> str:
    return " ".join([
        "-ea",
        f"-Xmx{heap}",
        f"-Dai.djl.offline={'true' if offline else 'false'}",
        f"-Ddlcourse.home={root}",
        # A cell's thread computes on one core; the training thread takes them all (EngineThreads):
        # two threads that each keep a team of OpenMP workers slowed training down two to three times.
        "-Dai.djl.pytorch.num_threads=1",
        "-Dorg.slf4j.simpleLogger.logFile=System.out",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        # On CPU-only machines DJL warns that it found no GPU: expected here, so silence it.
        "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=off",
        # Numbers print with a decimal point on every machine, as the library's own lines and the
        # notebooks' text write them (on a Russian-locale machine String.format would write 0,830).
        "-Duser.language=en",
        "-Duser.country=US",
    ])


def kernel_spec(java: str, root: Path, gpu: bool, environ: dict, heap: str = "4g") -> dict:
    env = {
        # Java's path separator: ':' on Linux and macOS, ';' on Windows.
        "JJAVA_CLASSPATH": os.pathsep.join([str(root / "target" / "classes"), str(root / "target" / "lib" / "*")]),
        # A GPU build without a local libtorch lets DJL fetch the CUDA one once (needs internet).
        "JJAVA_JVM_OPTS": jvm_options(root, offline=not gpu or "PYTORCH_LIBRARY_PATH" in environ, heap=heap),
        # A long training cell must not be cut off by the kernel itself.
        "JJAVA_TIMEOUT": "-1",
        # Every thread that runs cells starts with gradient recording off (dlcourse.core.CellThreads).
        "JJAVA_STARTUP_SCRIPT": "dlcourse.core.CellThreads.install();",
    }
    if gpu:
        env.update({k: environ[k] for k in LIBTORCH_VARIABLES if k in environ})
    return {
        "argv": [java, "-jar", "{resource_dir}/jjava-launcher.jar",
                 "{resource_dir}/jjava.jar", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "java",
        "interrupt_mode": "message",
        "env": env,
        "metadata": {"debugger": False},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--java", default="java", help="java executable (JDK 17+) the kernel runs on")
    parser.add_argument("--gpu", action="store_true", help="library built without the CPU libtorch (GPU=1)")
    parser.add_argument("--heap", default="4g",
                        help="the kernel JVM's maximum heap, -Xmx (default 4g; the class server's is smaller)")
    args = parser.parse_args()
    kernels = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    jjava = kernels / "java"
    if not (jjava / "jjava.jar").exists():
        sys.exit(f"JJava is not installed in {sys.prefix} (missing {jjava / 'jjava.jar'}): "
                 "run `make setup`, which installs requirements.txt")
    target = kernels / KERNEL_NAME
    target.mkdir(parents=True, exist_ok=True)
    for jar in ("jjava.jar", "jjava-launcher.jar"):
        shutil.copy2(jjava / jar, target / jar)
    spec = kernel_spec(args.java, ROOT, args.gpu, dict(os.environ), heap=args.heap)
    (target / "kernel.json").write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n")
    print(f"kernel '{KERNEL_NAME}' -> {target}")
    # JJava's own spec, "Java (jjava)", stays for front ends other than the course's lab (which
    # offers java-dl alone): it gets the same classpath and options, so a notebook opened on it works.
    plain = json.loads((jjava / "kernel.json").read_text())
    plain["env"] = dict(plain.get("env", {}), **spec["env"])
    plain["argv"][0], plain["interrupt_mode"] = spec["argv"][0], "message"
    (jjava / "kernel.json").write_text(json.dumps(plain, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
