# lit configuration for vitc's FileCheck tests (importer, dialect, passes).
import os
import lit.formats

config.name = "vitc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.vitc_build_dir, "test", "lit")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py.in", "Inputs"]

# A tool name is replaced by its path where it stands as a word of its own
# (not inside a file path or a longer name such as vitc-opt).
tools = [
    ("vitc-opt", config.vitc_opt),
    ("vitc", config.vitc),
    ("onnx-txt2pb", config.onnx_txt2pb),
    ("FileCheck", os.path.join(config.llvm_tools_dir, "FileCheck")),
    ("not", os.path.join(config.llvm_tools_dir, "not")),
]
for name, path in tools:
    pattern = r"(?<![\w/.-])%s(?![\w.-])" % name.replace("-", r"\-")
    config.substitutions.append((pattern, path))
config.substitutions.append(("%python", config.python))
