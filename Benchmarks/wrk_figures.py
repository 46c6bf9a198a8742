"""Requests/s, p50, p99 and mean (ms) from the output of `wrk --latency`, on one line:

    python3 wrk_figures.py WRK_OUTPUT.txt
"""
import re
import sys

text = open(sys.argv[1]).read()


def ms(s):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", s).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"\n\s+50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\n\s+99%\s+(\S+)", text).group(1))
mean = ms(re.search(r"Latency\s+(\S+)", text).group(1))
print("%.0f %.3f %.3f %.3f" % (rps, p50, p99, mean))
