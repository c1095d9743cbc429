#!/usr/bin/env python3
"""bench/cluster/oldreport.py: the markdown tables of bench/cluster/oldway.
oldreport.py DIR PARTS SECS FRONTS WRITERS LOGINS CLIENTS OPENSMTP PREFILL ROUNDS RSECS
DIR holds a.result (oldload.py's key=value line), a.srverr, b.results
(COND ROUND CONC SIDE connrate-line, tab-separated) and notes."""
import os, statistics as st, sys

d, parts, secs, fronts, writers, logins, clients, opensmtp, prefill, rounds, rsecs = sys.argv[1:12]


def kv(line):
    return dict(x.split("=", 1) for x in line.split() if "=" in x)


def num(m, k):
    try:
        return float(m[k])
    except (KeyError, ValueError):
        return None


def med(xs):
    xs = [x for x in xs if x is not None]
    return st.median(xs) if xs else None


def f(x, n=0):
    return "n/a" if x is None else "%.*f" % (n, x)


def part_a():
    a = kv(open(os.path.join(d, "a.result")).read())
    g = lambda k: a.get(k, "n/a")
    dropped = sum(int(a.get(k, 0)) for k in ("refused", "reset", "eof", "timeout", "other"))
    print("## A. The old way: %s x Debian tcpserver -x on one tcp.smtp.cdb, %s writers rebuilding it, no lock\n"
          % (fronts, writers))
    print("Each POP login appends its line to %s open-smtp, then feeds the static rules and open-smtp to "
          "/usr/bin/tcprules tcp.smtp.cdb tcp.smtp.tmp (vpopmail's update_rules); %s writers (POP servers) "
          "do that at once at %s logins/s in all, open-smtp holding %s earlier logins (30 minutes of logins at this rate; "
          "part B's relay window is 1800 s too) at the start. %s SMTP client threads connect to the front-ends in turn from a logged-in "
          "address (half of them the login that ended last) or from one that never logged in. A login has "
          "ended when its tcprules has returned (whatever its exit code: the POP session goes on). %s s.\n"
          % ("the shared" if opensmtp == "shared" else "its own server's", writers, logins, prefill,
             clients, g("secs")))
    print("| figure | value |")
    print("|---|---|")
    rows = [
        ("logins (= rebuilds)", g("logins")),
        ("rebuilds per second", g("rebuilds_per_s")),
        ("rebuild time p50 / max, ms (lines in the final rules: %s)" % g("rules_lines"),
         "%s / %s" % (g("rebuild_p50_ms"), g("rebuild_max_ms"))),
        ("tcprules failures (what it said)", "%s (%s)" % (g("rebuild_fail"), g("errors").replace("_", " "))),
        ("SMTP connections from logged-in / never-logged-in addresses (per second, all)",
         "%s / %s (%.0f)" % (g("conn_logged"), g("conn_never"),
                             (int(g("conn_logged")) + int(g("conn_never"))) / float(g("secs")))),
        ("wrong: logged in (login ended before the connect), refused relay",
         "%s (%s addresses; since the login ended: p50 %s ms, max %s ms)"
         % (g("wrong_refused"), g("wrong_ips"), g("late_p50_ms"), g("late_max_ms"))
         if g("wrong_refused") != "0" else "0"),
        ("  of those, 1 s or more after the login ended (older than any rebuild took: the cdb in place "
         "was half written or mixed by two writers, not just late)", g("wrong_refused_old")),
        ("wrong: never logged in, allowed to relay", g("wrong_allowed")),
        ("tcp.smtp.cdb sampled 20 times a second: not a whole cdb", "%s of %s samples" % (g("cdb_broken"), g("cdb_samples"))),
        ("logins missing from the final cdb (lost, not just late)", g("lost_at_end")),
        ("connections dropped or failed (refused / reset / EOF without answer / timeout / other)",
         "%d (%s / %s / %s / %s / %s)" % (dropped, g("refused"), g("reset"), g("eof"), g("timeout"), g("other"))),
    ]
    for k, v in rows:
        print("| %s | %s |" % (k, v))
    err = open(os.path.join(d, "a.srverr")).read().strip()
    print("\nFront-ends' stderr: %s\n" % ("; ".join(" ".join(l.split()) for l in err.splitlines()) or "nothing"))


def part_b():
    res = {}
    for line in open(os.path.join(d, "b.results")):
        c = line.rstrip("\n").split("\t")
        if len(c) >= 5:
            res.setdefault((c[0], c[2], c[3]), {})[c[1]] = kv(c[4])
    print("## B. A check program with its own MySQL connection per SMTP connection (percheck) against tcpserver -S\n")
    print("Debian tcpserver -H -R -l 0 -c 100 running bench/cluster/percheck (connect, one SELECT of "
          "TCPREMOTEIP's row, RELAYCLIENT if fresh, exec the child) against ours, tcpserver -S with the same "
          "flags (sqlrelayd's standing connections); child bench/hello.c, the row fresh (relay=yes expected). "
          "Database local, or 1 ms away (bench/delayproxy holds every chunk 1 ms each way, for both sides). "
          "%s rounds; in each, %s s per side at concurrency 8 interleaved in 250 ms slices (first side "
          "alternating), then 1 s per side at concurrency 1 against Debian's tcpserver with no check "
          "(plain, relay=no) for the added latency. Medians over rounds; ratio = median of per-round "
          "ours/percheck [min-max]; added = median of per-round p50 differences against plain.\n"
          % (rounds, rsecs))
    print("| database | percheck conn/s | ours -S conn/s | ratio ours/percheck | percheck p50 / p99 ms (c=8) "
          "| ours p50 / p99 ms (c=8) | added per connection, c=1: percheck / ours ms | plain p50 ms (c=1) "
          "| fail (wrong answer) percheck / ours |")
    print("|---|---|---|---|---|---|---|---|---|")
    for cond, name in (("local", "local"), ("delay", "1 ms away")):
        per, ours = res.get((cond, "8", "per"), {}), res.get((cond, "8", "ours"), {})
        ratios = [num(ours[r], "rate") / num(per[r], "rate") for r in ours
                  if r in per and num(ours[r], "rate") and num(per[r], "rate")]
        ratio = "n/a" if not ratios else "%.2f [%.2f-%.2f]" % (st.median(ratios), min(ratios), max(ratios))

        def side(m, k):
            return med([num(v, k) for v in m.values()])

        def lat(m):
            p50, p99 = side(m, "p50_us"), side(m, "p99_us")
            return "n/a" if p50 is None else "%.2f / %.2f" % (p50 / 1000, p99 / 1000)

        def added(who):
            ds = []
            for r, v in res.get((cond, "1", who), {}).items():
                p = plain_for(cond, r, who)
                if p and num(v, "p50_us") is not None and num(p, "p50_us") is not None:
                    ds.append((num(v, "p50_us") - num(p, "p50_us")) / 1000)
            return med(ds)

        def fails(m):
            return "%d (%d)" % (sum(num(v, "fail") or 0 for v in m.values()),
                                sum(num(v, "mismatch") or 0 for v in m.values()))
        plain_p50 = med([num(p, "p50_us") for p in pairs_plain(cond)])
        print("| %s | %s | %s | %s | %s | %s | %s / %s | %s | %s / %s |" % (
            name, f(side(per, "rate")), f(side(ours, "rate")), ratio, lat(per), lat(ours),
            f(added("per"), 2), f(added("ours"), 2), f(plain_p50 and plain_p50 / 1000, 3),
            fails(per), fails(ours)))
    print()


PAIRS = {}


def load_pairs():
    """c=1 lines in file order: each per or ours line follows its plain line"""
    last = None
    for line in open(os.path.join(d, "b.results")):
        c = line.rstrip("\n").split("\t")
        if len(c) < 5 or c[2] != "1":
            continue
        if c[3] == "plain":
            last = kv(c[4])
        elif last is not None:
            PAIRS[(c[0], c[1], c[3])] = last
            last = None


def plain_for(cond, rnd, who):
    return PAIRS.get((cond, rnd, who))


def pairs_plain(cond):
    return [v for (c, r, w), v in PAIRS.items() if c == cond]


print("# Without tcpserver -S: the shared cdb, and a database connection per SMTP connection\n")
if " A " in parts and os.path.exists(os.path.join(d, "a.result")):
    part_a()
if " B " in parts and os.path.exists(os.path.join(d, "b.results")):
    load_pairs()
    part_b()
for line in open(os.path.join(d, "notes")):
    print("- " + line.rstrip())
