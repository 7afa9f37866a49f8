"""Keep weifen's own pytest run (doctests of every module) out of the shim: importing it in
weifen's test process would put a second ``autograd`` beside the real one."""
collect_ignore = ["autograd", "suite_plugin.py"]
