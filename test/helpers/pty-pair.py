#!/usr/bin/env python3
"""A null-modem cable made of two ptys, for hermetic serial tests (socat's `pty,raw,echo=0` pair,
without needing socat): bytes written to one end's tty come out of the other's. Usage:
pty-pair.py LINK_A LINK_B — prints 'starting data transfer loop' on stderr once both links exist."""
import os, select, sys, tty

def end(link):
    master, slave = os.openpty()
    tty.setraw(slave)  # raw, no echo: a serial line, not a terminal
    os.symlink(os.ttyname(slave), link)
    return master, slave  # keep the slave open, as socat does, so reads never see a hang-up

a, b = end(sys.argv[1]), end(sys.argv[2])
peer = {a[0]: b[0], b[0]: a[0]}
print("starting data transfer loop", file=sys.stderr, flush=True)
while True:
    for fd in select.select(list(peer), [], [])[0]:
        data = os.read(fd, 65536)
        if data:
            os.write(peer[fd], data)
