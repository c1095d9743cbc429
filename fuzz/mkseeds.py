#!/usr/bin/env python3
"""Writes the hand-made seed inputs of fuzz/corpus/<target>/seed-*.

fuzz/mkseeds.py [DIR]   (default: the corpus next to this script)
Layouts follow the comment at the top of each fuzz/fuzz_*.c."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from cdbmodel import cdb  # noqa: E402


RULES = [(b"1.2.3.4", b"+A=1\0"), (b"1.2.3.4", b"D\0"), (b"=a.b.c", b"D\0"),
         (b"joe@1.2.3.4", b"+WHO=joe\0+B=\0"), (b"1.2.", b""),
         (b"=", b"+HOST=x\0Ajunk"), (b"", b"D\0")]


def keys(*ks):
    out = bytes([len(ks)])
    for k in ks:
        out += bytes([len(k)]) + k
    return out


def seeds():
    full = cdb(RULES)
    yield "cdb", "real", b"\0" + keys(b"1.2.3.4", b"=a.b.c", b"", b"nope") + struct.pack("<IH", 2048, 8) + full
    yield "cdb", "empty", b"\0" + keys(b"x") + struct.pack("<IH", 0, 16) + cdb([])
    yield "cdb", "short", b"\0" + keys(b"x") + struct.pack("<IH", 0, 4) + b"\0" * 100
    # padded header: bucket for "" (hash 5381, slot 5381 & 255 = 5) -> table at 16
    tbl = bytearray(64)
    tbl[40:48] = struct.pack("<II", 16, 1)
    tbl[16:24] = struct.pack("<II", 5381, 24)
    tbl[24:40] = struct.pack("<II", 0, 4) + b"DATA" + b"\0" * 4
    yield "cdb", "padded", b"\1" + keys(b"") + struct.pack("<IH", 24, 8) + bytes(tbl)
    loop = bytearray(64)
    loop[40:48] = struct.pack("<II", 16, 0xffffffff)
    yield "cdb", "hugeslots", b"\1" + keys(b"") + struct.pack("<IH", 0xfffffff0, 0xffff) + bytes(loop)

    for flags, ip, host, info in [(0, b"1.2.3.4", b"a.b.c", b"joe"),
                                  (4, b"1.2.3.4", b"a.b.c", b"joe"),
                                  (1, b"1.2.3.4", b"", b""),
                                  (2, b"10.0.0.1", b"www.example.com", b""),
                                  (3, b"1.2.9.9", b"", b""),
                                  (0, b"", b"", b""),
                                  (4, b"....", b"...", b"@=."),
                                  (0, b"2001:db8::1", b"h6.example.com", b"joe"),
                                  (4, b"2001:db8::5", b"", b""),
                                  (3, b"::1", b"", b"joe"),
                                  (1, b"::ffff:1.2.3.4", b"", b""),
                                  (2, b"2001:db8:1::", b"a.b.c", b""),
                                  (0, b"::", b"", b""),
                                  (0, b"10.2.3.4", b"", b""),
                                  (1, b"10.9.9.9", b"", b""),
                                  (3, b"200.1.1.1", b"", b""),
                                  (3, b"2001:db8:5::1", b"", b""),
                                  (7, b"10.2.3.4", b"", b"")]:
        yield "rules", "fixed%d-%s" % (flags, ip.decode().replace(":", "_") or "empty"), bytes([flags]) + ip + b"\0" + host + b"\0" + info + b"\0"
    yield "rules", "cdb", b"\x08" + b"1.2.3.4\0a.b.c\0joe\0" + full
    yield "rules", "padded", b"\x18" + b"\0\0\0" + bytes(tbl)

    lines = [b"# comment\n1.2.3.4:allow\n", b"1.2.3.:deny\n=.example.com:allow,RELAYCLIENT=\"\"\n",
             b":allow,A=xabcx,=\"v\",B='x,y=z:w'\n", b"10.1.2-4.:allow\n1.2.250-300.:deny,X=//\n",
             b"1.2.3.01-02:allow\n1.2.-2.:allow\n1.2.3.-:deny\n", b"=host-1-3.x:allow\njoe@1.2.3.1-2:deny\n",
             b"1.2.3.4:allow\r\n1.2.3.4:\n", b"1-2-3:allow\n1.2.a-2.:allow\n", b"a:allow,A\na:allow,A=\n",
             b"a:allow,A=\"v\"x\nb:denyall\n  x:allow \t\n", b"1.2.3.5-3:allow\n99999999999999999999-3:allow",
             b"2001:db8::1:allow\n2001:DB8:0:0::1:deny,A=\"x:allow\"\n2001:db8:::allow\n2001:db8::allow\n",
             b"::allow\n:::deny\n::1:allow\n::ffff:1.2.3.4:allow\n::FFFF:1.2.3.1-3:allow\n::ffff:1.2.:deny\n",
             b"joe@2001:0db8::5:allow\njoe@2001:db8::allow\n2001:0db8::allow\nfe80::1%eth0:allow\n2001:db8::/32:deny\n",
             b"10.0.0.0/8:allow\n10.3.0.0/8:deny\n192.0.2.64/26:allow,A=\"b\"\n128.0.0.0/1:allow\n1.2.3.4/32:allow\n",
             b"2001:db8::/32:allow\n2001:DB8::1/128:deny\n::/0:allow\n10.0.0.0/0:allow\n10.0.0.0/33:allow\n",
             b"joe@10.0.0.0/8:allow\n=a/b:allow\n10.0.0/8:allow\n010.0.0.0/8:allow\n2001:db8::/129:allow\n::ffff:10.0.0.0/104:allow\n",
             b"fe80::1%lo/64:allow\n10.0.0.0/008:allow\n10.0.0.0/8/8:allow\n/8:allow\n10.0.0.1-5/8:allow\njoe@=x/y:deny\n",
             b"2001:db8::1-5:allow\n1.2.3.4:bogus:allow\n::1:Allow\nfoo\n1:0:0:0:1::allow\n::ffff:0::allow\n"]
    for i, l in enumerate(lines):
        yield "rulesparse", "lines%02d" % i, l

    confs = [b"server localhost\nport 3306\ndatabase vpopmail\ntable relay\nuser vpopmail\npass secret\ntime 1800\n",
             b"# v2\nSERVER db1.example.com\nserver 10.0.0.2\nsocket /run/mysqld/mysqld.sock\ndatabase vpopmail\n"
             b"user u\npass \"p w\" # trailing\nset RELAYCLIENT=\"\"\nset RBLSMTPD=\nssl_ca /etc/ca.pem\nssl_verify no\n"
             b"connect_timeout 3\nread_timeout 4\nretry 60\nconnections 4\ncolumn ip_addr\ntimecolumn timestamp\n",
             b"colour blue\nport 0\nport 99999999999999999999999\ndatabase a-b\nuser\npass xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
             b"\tpass\tsecret2\r\nset =x\nset A\nssl_verify maybe\ntime 0\n" + b"server s\n" * 9,
             b"database d\nuser u\npass \0nul\n" + b"x" * 1100 + b"\n"]
    for i, c in enumerate(confs):
        yield "sqlconf", "conf%d" % i, c

    for i, r in enumerate([b"6191, 23 : USERID : UNIX : testuser\r\n", b"1 , 2 : ERROR : NO-USER\r\n",
                           b": : : jo hn: x\tz\n", b"a:b:c:" + b"u" * 300 + b"\n", b"\x05a:b:c:partial"]):
        yield "ident", "reply%d" % i, (b"\x00" if i != 4 else b"") + r

    name = b"\x03www\x07Example\x03COM\x00"
    msg = b"\x12\x34\x81\x80\0\1\0\1\0\0\0\0" + name + b"\0\x0c\0\1" + b"\xc0\x0c\0\x0c\0\1\0\0\0\x3c\0\x0b" + b"\x03h_1\x04a-b+\xc0\x10"
    yield "dnsname", "query", struct.pack("<H", 12) + msg
    yield "dnsname", "answer", struct.pack("<H", len(msg) - 11) + msg
    yield "dnsname", "loop", struct.pack("<H", 0) + b"\xc0\x00"
    yield "dnsname", "root", struct.pack("<H", 0) + b"\x00"
    yield "dnsname", "text", b"\0\0www.Example.COM"
    yield "dnsname", "textesc", b"\0\0a\\001b\\045c\\072d\\177e\\134f\\040g.example"
    yield "dnsname", "textroot", b"\0\0."
    yield "dnsname", "long", struct.pack("<H", 0) + (b"\x3f" + b"a" * 63) * 4 + b"\x00"

    def pstr(b):
        return bytes([len(b)]) + b
    v = b"RELAYCLIENT=\0SQLRELAYED=yes\0"
    yield "relaymsg", "request", b"q\4" + struct.pack("<QQII", 123456789, 123000000, 7, 42) + pstr(b"127.0.0.1")
    yield "relaymsg", "reply", b"a\1R\0" + struct.pack("<Q", 1500) + pstr(b"localhost") + pstr(b"") + struct.pack("<H", len(v)) + v
    yield "relaymsg", "error", b"a\1E\1" + struct.pack("<Q", 0) + pstr(b"db1") + pstr(b"connect: timed out") + struct.pack("<H", 0)
    yield "relaymsg", "vars", v


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    for target, name, data in seeds():
        d = os.path.join(top, "fuzz_" + target)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(data)


main()
