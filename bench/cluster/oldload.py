#!/usr/bin/env python3
"""bench/cluster/oldload.py: the load of bench/cluster/oldway part A.

The old way of POP-before-SMTP in a cluster: every front-end runs Debian's
tcpserver -x on ONE shared tcp.smtp.cdb, and every POP login rebuilds it
the way vpopmail's update_rules does: the login's line goes onto the end of
open-smtp ("IP:allow,RELAYCLIENT=\"\"<TAB>unix-time"), then the static
rules and open-smtp (each line cut at its TAB) go into
`tcprules tcp.smtp.cdb tcp.smtp.tmp`. WRITERS writers (one per POP server)
do that at once, with no lock between them, as on separate machines
sharing one directory. Meanwhile CLIENTS threads open SMTP connections to
the front-ends from addresses whose login has ended, and from addresses
that never logged in; the SMTP child (bench/hello.c) answers relay=yes
when RELAYCLIENT is set.

oldload.py DIR TCPRULES SECS WRITERS LOGINS_PER_SEC CLIENTS OPENSMTP PREFILL FRONT...
  DIR holds tcp.smtp (static rules), open-smtp, tcp.smtp.cdb; OPENSMTP is
  "shared" (one open-smtp) or "own" (one per writer, open-smtp.N: each
  rebuild then holds only its own server's logins); PREFILL lines of
  earlier logins (10.x.y.z) are in open-smtp before the start (the logins
  of a relay window, which clearopensmtp has not yet removed), spread
  over the writers' files with "own"; FRONT is IP:PORT.
Prints one line of key=value figures on stdout.
"""
import os, random, socket, statistics, struct, subprocess, sys, threading, time

d, tcprules, secs, nwriters, rate, nclients, mode, prefill = sys.argv[1:9]
secs, nwriters, rate, nclients = float(secs), int(nwriters), float(rate), int(nclients)
fronts = [(a.rsplit(":", 1)[0], int(a.rsplit(":", 1)[1])) for a in sys.argv[9:]]
static = open(os.path.join(d, "tcp.smtp"), "rb").read()
cdb, tmp = os.path.join(d, "tcp.smtp.cdb"), os.path.join(d, "tcp.smtp.tmp")

mu = threading.Lock()          # the driver's own book, not the writers' files
logged = []                    # (ip, time the login ended), in order of ending
st = dict(logins=0, rebuilds=0, rebuild_fail=0, conn_logged=0, conn_never=0,
          wrong_refused=0, wrong_allowed=0, refused=0, reset=0, eof=0, timeout=0, other=0)
durs, late_delays, wrong_ips, errs = [], [], set(), {}
seq = [0]


TRACE = os.environ.get("OLDLOAD_TRACE")


def trace(what):
    """OLDLOAD_TRACE=FILE: what happened when, for a closer look"""
    if TRACE:
        with open(TRACE, "a") as f:
            f.write("%.3f %s\n" % (time.monotonic() - t0, what))


def opensmtp(i):
    return os.path.join(d, "open-smtp" if mode == "shared" else "open-smtp.%d" % i)


def rules_of(i):
    """open-smtp as tcprules input: each line cut at its TAB"""
    return b"".join(l.split(b"\t", 1)[0] + b"\n"
                    for l in open(opensmtp(i), "rb").read().splitlines() if l)


def login(i, ip):
    """one POP login: append, rebuild; the login ends when tcprules has run"""
    line = ('%s:allow,RELAYCLIENT=""\t%d\n' % (ip, int(time.time()))).encode()
    fd = os.open(opensmtp(i), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, line)
    os.close(fd)
    rules = rules_of(i)
    a = time.monotonic()
    p = subprocess.run([tcprules, cdb, tmp], input=static + rules,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    b = time.monotonic()
    trace("rebuild %d %s %.3f-%.3f rc %d" % (i, ip, a - t0, b - t0, p.returncode))
    with mu:
        st["logins"] += 1
        st["rebuilds"] += 1
        durs.append(b - a)
        if p.returncode:
            st["rebuild_fail"] += 1
            e = p.stderr.decode(errors="replace").strip().split(":")[-1].strip() or "rc %d" % p.returncode
            errs[e] = errs.get(e, 0) + 1
        logged.append((ip, b))


def writer(i):
    rnd = random.Random(i)
    each = rate / nwriters
    nxt = time.monotonic() + rnd.uniform(0, 1 / each)
    while nxt < end:
        time.sleep(max(0, nxt - time.monotonic()))
        with mu:
            seq[0] += 1
            n = seq[0]
        login(i, "127.2.%d.%d" % (n >> 8 & 255, n & 255))
        # even spacing with jitter: the rate holds over a short run, and
        # the writers' phases drift against each other
        nxt += rnd.uniform(0.5, 1.5) / each


def connect(src, dst):
    """'yes', 'no', or how the connection failed"""
    s = socket.socket()
    s.settimeout(5)
    try:
        s.bind((src, 0))
        s.connect(dst)
        with s.makefile("rb") as f:
            data = f.read()   # to EOF
    except ConnectionRefusedError:
        return "refused"
    except ConnectionResetError:
        return "reset"
    except socket.timeout:
        return "timeout"
    except OSError:
        return "other"
    finally:
        s.close()
    if data.startswith(b"relay=yes"):
        return "yes"
    if data.startswith(b"relay=no"):
        return "no"
    return "eof"


def client(k):
    rnd = random.Random(1000 + k)
    while time.monotonic() < end:
        dst = rnd.choice(fronts)
        with mu:
            have = len(logged)
            pick = None
            if have and rnd.random() < 0.5:
                # half of them just after a login ended (where a late or
                # lost entry shows), half any earlier login
                pick = logged[-1] if rnd.random() < 0.5 else logged[rnd.randrange(have)]
        if pick:
            ip, ended = pick
        else:
            n = rnd.randrange(1, 65535)
            ip = "127.3.%d.%d" % (n >> 8, n & 255)
        t = time.monotonic()
        r = connect(ip, dst)
        with mu:
            st["conn_logged" if pick else "conn_never"] += 1
            if r in ("yes", "no"):
                if pick and r == "no":
                    trace("refused %s %.3f since its login" % (ip, t - ended))
                    st["wrong_refused"] += 1
                    late_delays.append(t - ended)
                    wrong_ips.add(ip)
                if not pick and r == "yes":
                    st["wrong_allowed"] += 1
            else:
                st[r] += 1


def cdb_keys(path):
    """the keys of a cdb, or None when it is not a whole cdb"""
    try:
        b = open(path, "rb").read()
        pos = min(struct.unpack_from("<256I", b, 0)[0::2])
        keys, p = set(), 2048
        while p < pos:
            kl, dl = struct.unpack_from("<II", b, p)
            keys.add(b[p + 8:p + 8 + kl].decode("latin-1"))
            p += 8 + kl + dl
        return keys if p == pos else None
    except (OSError, struct.error):
        return None


def fill(n):
    now = int(time.time())
    files = [open(opensmtp(i), "w") for i in range(nwriters if mode == "own" else 1)]
    for k in range(n):
        files[k % len(files)].write('10.%d.%d.%d:allow,RELAYCLIENT=""\t%d\n'
                                    % (k >> 16 & 255, k >> 8 & 255, k & 255, now - 1800 + 1800 * k // max(n, 1)))
    for f in files:
        f.close()
    subprocess.run([tcprules, cdb, tmp], input=static + rules_of(0), stdout=subprocess.DEVNULL, check=True)


fill(int(prefill))
t0 = time.monotonic()
end = t0 + secs
def whole(b):
    """the header's tables end where the file ends (tcprules writes the
    header last): a cdb caught half written fails this"""
    if len(b) < 2048:
        return False
    h = struct.unpack_from("<512I", b, 0)
    return min(h[0::2]) >= 2048 and max(h[2 * i] + 8 * h[2 * i + 1] for i in range(256)) == len(b)


def monitor():
    """20 times a second: is tcp.smtp.cdb a whole cdb right now?"""
    while time.monotonic() < end:
        try:
            ok = whole(open(cdb, "rb").read())
        except OSError:
            ok = False
        with mu:
            st["cdb_samples"] += 1
            st["cdb_broken"] += not ok
        time.sleep(0.05)


st.update(cdb_samples=0, cdb_broken=0)
ts = [threading.Thread(target=monitor)]
ts += [threading.Thread(target=writer, args=(i,)) for i in range(nwriters)]
ts += [threading.Thread(target=client, args=(k,)) for k in range(nclients)]
for t in ts:
    t.start()
for t in ts:
    t.join()
took = time.monotonic() - t0
keys = cdb_keys(cdb)
lost = "n/a (final cdb unreadable)" if keys is None else sum(1 for ip, _ in logged if ip not in keys)
durs.sort()
out = dict(st)
out.update(secs="%.1f" % took, rebuilds_per_s="%.2f" % (st["rebuilds"] / took),
           rebuild_p50_ms="%.1f" % (1000 * durs[len(durs) // 2]) if durs else "n/a",
           rebuild_max_ms="%.1f" % (1000 * durs[-1]) if durs else "n/a",
           wrong_ips=len(wrong_ips), lost_at_end=lost,
           wrong_refused_old=sum(1 for x in late_delays if x >= 1.0),
           late_p50_ms="%.0f" % (1000 * statistics.median(late_delays)) if late_delays else "n/a",
           late_max_ms="%.0f" % (1000 * max(late_delays)) if late_delays else "n/a",
           rules_lines=len(static.splitlines()) + sum(
               len(open(opensmtp(i), "rb").read().splitlines()) for i in range(nwriters if mode == "own" else 1)),
           errors=";".join("%s x%d" % (e, n) for e, n in errs.items()).replace(" ", "_") or "none")
print(" ".join("%s=%s" % kv for kv in out.items()))
