#!/usr/bin/env python3
"""Tiny UDP DNS server for the tests (run it inside a private network
namespace, on 127.0.0.1:53).

fakedns.py [-a ADDR] [-p PORT] [-f TABLE] [-l LOG] [-r READYFILE] [RECORD ...]

A record is one line (in TABLE, re-read before every answer, or on the
command line):
  PTR  1.2.3.4 name      answer PTR queries for 4.3.2.1.in-addr.arpa
  PTR  2001:db8::5 name  answer PTR queries for the address's ip6.arpa name
                         (5.0.0.0. ... .8.b.d.0.1.0.0.2.ip6.arpa: any text
                         form inet_pton takes, so 2001:db8:0:0:0:0:0:5 is
                         the same key)
  A    name 1.2.3.4      answer A queries for name
  AAAA name 2001:db8::5  answer AAAA queries for name
  NXDOMAIN key           NXDOMAIN
  SERVFAIL key           SERVFAIL
  DROP key               never answer
where key is a name, an IPv4 address (meaning its in-addr.arpa name) or an
IPv6 address (meaning its ip6.arpa name).
Names are dot-separated labels; inside a label `\\xHH` is any byte and `\\.`
a literal dot. Matching ignores ASCII case. Several PTR or A lines for one
key give several answers, in file order. A name that is not in the table
gets NXDOMAIN; a known name asked for another type gets an empty answer.
Lines starting with # are comments. Every query is appended to LOG.
"""
import argparse
import os
import socket
import struct
import sys


def parse_name(text):
    labels, cur, i = [], bytearray(), 0
    while i < len(text):
        c = text[i]
        if c == "\\" and text[i + 1:i + 2] == "x":
            cur.append(int(text[i + 2:i + 4], 16))
            i += 4
            continue
        if c == "\\" and i + 1 < len(text):
            cur += text[i + 1].encode("latin-1")
            i += 2
            continue
        if c == ".":
            labels.append(bytes(cur))
            cur = bytearray()
        else:
            cur += c.encode("latin-1")
        i += 1
    if cur:
        labels.append(bytes(cur))
    return tuple(l for l in labels if l)


def is_ip(s):
    p = s.split(".")
    return len(p) == 4 and all(x.isdigit() for x in p)


def ip6(s):
    """The 16 bytes of IPv6 text s, or None."""
    if ":" not in s:
        return None
    try:
        return socket.inet_pton(socket.AF_INET6, s)
    except OSError:
        return None


def key_of(s):
    b = ip6(s)
    if b is not None:
        nibbles = "".join("%02x" % x for x in b)
        return tuple(c.encode() for c in reversed(nibbles)) + (b"ip6", b"arpa")
    if is_ip(s):
        return tuple(x.encode() for x in reversed(s.split("."))) + (b"in-addr", b"arpa")
    return parse_name(s)


def lower(name):
    return tuple(l.lower() for l in name)


def load(lines):
    t = {}
    for line in lines:
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        kind = f[0].upper()
        if kind == "PTR" and len(f) == 3:
            t.setdefault(lower(key_of(f[1])), []).append((12, encode_name(parse_name(f[2]))))
        elif kind == "A" and len(f) == 3:
            t.setdefault(lower(parse_name(f[1])), []).append((1, socket.inet_aton(f[2])))
        elif kind == "AAAA" and len(f) == 3 and ip6(f[2]) is not None:
            t.setdefault(lower(parse_name(f[1])), []).append((28, ip6(f[2])))
        elif kind in ("NXDOMAIN", "SERVFAIL", "DROP") and len(f) == 2:
            t[lower(key_of(f[1]))] = kind
        else:
            print("fakedns: bad record: " + line.strip(), file=sys.stderr)
    return t


def encode_name(labels):
    out = bytearray()
    for l in labels:
        out.append(len(l))
        out += l
    out.append(0)
    return bytes(out)


def read_question(msg):
    i, labels = 12, []
    while True:
        n = msg[i]
        i += 1
        if n == 0:
            break
        labels.append(msg[i:i + n])
        i += n
    qtype, qclass = struct.unpack(">HH", msg[i:i + 4])
    return tuple(labels), qtype, msg[12:i + 4]


def answer(msg, table):
    qid, flags = struct.unpack(">HH", msg[:4])
    labels, qtype, question = read_question(msg)
    entry = table.get(lower(labels))
    rd = flags & 0x0100
    rcode, answers = 0, []
    if entry is None:
        rcode = 3
    elif entry == "DROP":
        return None, labels, qtype, "drop"
    elif entry == "NXDOMAIN":
        rcode = 3
    elif entry == "SERVFAIL":
        rcode = 2
    else:
        answers = [(t, d) for (t, d) in entry if t == qtype]
    hdr = struct.pack(">HHHHHH", qid, 0x8000 | 0x0400 | rd | 0x0080 | rcode,
                      1, len(answers), 0, 0)
    body = bytearray(question)
    for t, d in answers:
        body += struct.pack(">HHHIH", 0xC00C, t, 1, 300, len(d)) + d
    return hdr + bytes(body), labels, qtype, ["ok", "formerr", "servfail", "nxdomain"][rcode]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-a", dest="addr", default="127.0.0.1")
    ap.add_argument("-p", dest="port", type=int, default=53)
    ap.add_argument("-f", dest="table")
    ap.add_argument("-l", dest="log")
    ap.add_argument("-r", dest="ready")
    ap.add_argument("records", nargs="*")
    a = ap.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.addr, a.port))
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("%d\n" % s.getsockname()[1])
    while True:
        msg, peer = s.recvfrom(4096)
        lines = list(a.records)
        if a.table and os.path.exists(a.table):
            with open(a.table, encoding="latin-1") as f:
                lines += f.read().splitlines()
        try:
            reply, labels, qtype, what = answer(msg, load(lines))
        except (IndexError, struct.error):
            continue
        if a.log:
            with open(a.log, "a") as f:
                f.write("query %s type %d: %s\n" % (
                    ".".join(l.decode("latin-1") for l in labels), qtype, what))
        if reply is not None:
            s.sendto(reply, peer)


if __name__ == "__main__":
    main()
