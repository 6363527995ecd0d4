#!/usr/bin/env python3
"""Disassembles the innermost vector loop of a C2-compiled method, without the hsdis plug-in.

Without hsdis, -XX:+PrintAssembly prints each nmethod as hex bytes; this feeds them to objdump
and prints the smallest backward-jumping loop that contains an FMA, with counts of its
instructions, FMAs, broadcasts and stack (spill) references. Usage:

  java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions \
       -XX:CompileCommand=print,dev.smok.cpu.conv.DirectConv::tile6 ... > asm.txt
  scripts/jit-loop.py asm.txt          # the last C2 nmethod in the file (the steady-state one)
"""
import re
import subprocess
import sys
import tempfile


def last_c2_code(path):
    blocks = open(path).read().split("C2-compiled nmethod")
    if len(blocks) < 2:
        sys.exit("no C2-compiled nmethod in " + path)
    code, start = bytearray(), None
    for line in blocks[-1].splitlines():
        m = re.match(r"\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8}(?: \| |\s)?)+)\s*$", line)
        if m:
            start = int(m.group(1), 16) if start is None else start
            code += bytes.fromhex(re.sub(r"[ |]", "", m.group(2)))
    return code, start


def innermost_fma_loop(listing):
    lines = [l for l in listing.splitlines() if re.match(r"\s+[0-9a-f]+:\t", l)]
    addr = [int(l.split(":")[0], 16) for l in lines]
    best = None
    for i, l in enumerate(lines):
        m = re.search(r"\tj[a-z]+\s+0x([0-9a-f]+)", l)
        if m and int(m.group(1), 16) < addr[i]:
            body = [x for x, a in zip(lines, addr) if int(m.group(1), 16) <= a <= addr[i]]
            if any("vfmadd" in x for x in body) and (best is None or len(body) < len(best)):
                best = body
    return best or []


def main():
    code, start = last_c2_code(sys.argv[1])
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(code)
        f.flush()
        listing = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "--adjust-vma=%d" % start, f.name],
                                 capture_output=True, text=True, check=True).stdout
    body = innermost_fma_loop(listing)
    for x in body:
        print(x.rstrip().split("\t")[-1])
    print("instructions %d, fma %d, broadcasts %d, stack references %d (vector %d)" % (
        len(body), sum("vfmadd" in x for x in body), sum("vbroadcast" in x for x in body),
        sum("rsp" in x for x in body), sum("rsp" in x and "mm" in x for x in body)))


if __name__ == "__main__":
    main()
