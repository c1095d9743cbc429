#!/usr/bin/env python3
"""bench/cluster/report.py DIR KEY=VALUE...: the tables of bench/cluster/run
from its raw results in DIR (PHASE.events of drive, PHASE.feN.log and
pop.log stamped tcpserver logs, stats, marks, seen, *.rows, load)."""
import glob
import os
import re
import statistics as st
import sys

D = sys.argv[1]
P = dict(a.split('=', 1) for a in sys.argv[2:])
SECS, PA, RA = float(P['SECS']), P['PA'], P['RA']
TCK = float(P['CLK_TCK'])

DECISION = re.compile(r'^(\S+) tcpserver: (?:warning: )?sql \d+ (relay|norelay|error) (\S+) (\S+?):?(?: |$)')


def events(name):
    L, S = [], []
    path = os.path.join(D, name + '.events')
    if not os.path.exists(path):
        return L, S
    for line in open(path):
        f = line.split()
        if f[0] == 'L':
            L.append((float(f[1]), float(f[2]), f[3], f[4]))
        elif f[0] == 'S':
            S.append((float(f[1]), float(f[2]), int(f[3]), f[4], f[5], f[6], float(f[7])))
    return L, S


def decisions(name):
    """(time, relay|norelay|error, ip, server) from every front-end's log"""
    out = []
    for path in sorted(glob.glob(os.path.join(D, name + '.fe*.log'))):
        for line in open(path):
            m = DECISION.match(line)
            if m:
                out.append((float(m.group(1)), m.group(2), m.group(3), m.group(4)))
    out.sort()
    return out


def stats():
    s = {}
    for line in open(os.path.join(D, 'stats')):
        f = line.split()
        kv = dict(x.split('=', 1) for x in f[3:] if '=' in x)
        kv['t'] = f[2]
        s[(f[0], f[1])] = {k: float(v) for k, v in kv.items()}
    return s


def marks():
    m = {}
    for line in open(os.path.join(D, 'marks')):
        f = line.split()
        m[(f[0], f[1])] = float(f[2])
    return m


def seen():
    s = {}
    path = os.path.join(D, 'seen')
    if os.path.exists(path):
        for line in open(path):
            ip, t = line.split()
            s.setdefault(ip, float(t))
    return s


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else None


def ms(x):
    return 'n/a' if x is None else f'{x * 1000:.1f}'


def num(x):
    return 'n/a' if x is None else f'{x:.0f}'


def wrong(S):
    fresh = sum(1 for e in S if e[4] == 'fresh' and e[5] == 'no')
    old = sum(1 for e in S if e[4] == 'old' and e[5] == 'no')
    unk = sum(1 for e in S if e[4] == 'unknown' and e[5] == 'yes')
    return fresh, old, unk


def delta(s, name, key):
    a, b = s.get((name, 'before')), s.get((name, 'after'))
    if not a or not b or key not in a or key not in b:
        return None
    return b[key] - a[key]


SEEN = seen()
STATS = stats()
# (name, front-ends) in the order run: feN and feN.rR (round R), rfirst, kill
PHASES = []
for line in open(os.path.join(D, 'stats')):
    name = line.split()[0]
    if line.split()[1] == 'before' and name not in [n for n, _ in PHASES]:
        m = re.match(r'fe(\d+)', name)
        PHASES.append((name, int(m.group(1)) if m else 4))
HEALTHY = [(n, f) for n, f in PHASES if n != 'kill']
RATES = {}
MARKS = marks()
EV = {n: events(n) for n, _ in PHASES}

print('## Cluster: tcpserver -S front-ends on one primary + GTID replica\n')
print(f"{P['NPROC']} CPUs shared with other work; every program on one machine over loopback. "
      f"Each phase {SECS:g} s; POP logins (sqlrelayopen) at {P['RATE']}/s from fresh addresses, "
      f"written to the primary; SMTP connections closed-loop, {P['CONC']} in flight per front-end; "
      f"sources: a login that has just ended (fresh), an earlier login (old), an "
      f"address that never logged in (unknown). Control file: retry 5, connect/read_timeout 1, "
      f"connections 2 (default). Load averages (1/5/15 min) at each phase's end in the last table.\n")

print('### a. Wrong decisions\n')
print('| phase | servers | SMTP conns | fresh refused | old refused | unknown allowed | lost | logins ok / lost |')
print('|---|---|---|---|---|---|---|---|')
for n, f in PHASES:
    L, S = EV[n]
    fr, od, un = wrong(S)
    order = 'replica, primary' if n == 'rfirst' else 'primary, replica'
    if n == 'kill':
        order += ' (primary killed)'
    lost = sum(1 for e in S if e[5] == 'lost')
    lok = sum(1 for e in L if e[3] == 'ok')
    print(f'| {n} ({f} fe) | {order} | {len(S)} | {fr} | {od} | {un} | {lost} | {lok} / {len(L) - lok} |')
print('\n(kill: refusals of logins made during the outage are expected, as they are not '
      'recorded; table d splits them out.)\n')

print('### b. Throughput and database cost (the primary first, healthy)\n')
print('| front-ends | cluster conn/s | per front-end conn/s | p50 / p99 ms | primary Com_select/s | '
      'primary Questions/s | Com_select per conn | primary CPU us/conn | replica CPU us/conn | '
      'Threads_connected primary / replica |')
print('|---|---|---|---|---|---|---|---|---|---|')
for n, f in HEALTHY:
    L, S = EV[n]
    if not S:
        print(f'| {n} | n/a |')
        continue
    t0 = min(e[0] for e in S)
    t1 = max(e[1] for e in S)
    secs = t1 - t0
    okS = [e for e in S if e[5] != 'lost']
    per = [sum(1 for e in okS if e[2] == k) / secs for k in range(f)]
    lat = [e[1] - e[0] for e in okS]
    el = delta(STATS, n, 'Pcpu')
    sel, qs = delta(STATS, n, 'PCom_select'), delta(STATS, n, 'PQuestions')
    rsel = delta(STATS, n, 'RCom_select')
    dt = None
    if (n, 'before') in STATS and (n, 'after') in STATS:
        dt = STATS[(n, 'after')]['t'] - STATS[(n, 'before')]['t']
    sel_db = sel if n != 'rfirst' else rsel
    cpu = lambda k: 'n/a' if delta(STATS, n, k) is None else f"{delta(STATS, n, k) / TCK * 1e6 / len(okS):.0f}"
    mid = STATS.get((n, 'mid'), {})
    label = f'{f}' + (' (replica first)' if n == 'rfirst' else '')
    if '.r' in n:
        label += f" (round {n.split('.r')[1]})"
    elif n != 'rfirst':
        label += ' (round 1)'
    RATES.setdefault(n.split('.')[0], []).append(len(okS) / secs)
    print(f"| {label} | {len(okS) / secs:.0f} | {' / '.join(f'{x:.0f}' for x in per)} | "
          f"{ms(q(lat, 0.5))} / {ms(q(lat, 0.99))} | "
          f"{'n/a' if sel is None or not dt else f'{sel / dt:.0f}'} | "
          f"{'n/a' if qs is None or not dt else f'{qs / dt:.0f}'} | "
          f"{'n/a' if sel_db is None else f'{sel_db / len(okS):.3f}'} | {cpu('Pcpu')} | {cpu('Rcpu')} | "
          f"{num(mid.get('PThreads_connected'))} / {num(mid.get('RThreads_connected'))} |")
print('\nCluster conn/s, median over rounds: ' + '; '.join(
    f"{k}: {st.median(v):.0f} [{min(v):.0f}-{max(v):.0f}]" for k, v in RATES.items() if k != 'rfirst'))
print('\nCom_select per conn below 1: connections from one address at the same moment share a '
      'statement (sqlrelayd); rfirst: the replica\'s Com_select. CPU: utime+stime of each mariadbd '
      'over the phase (the replica applies the logins). Threads_connected sampled mid-phase; it '
      'counts this script\'s own connection, and on the primary the replica\'s binlog dump '
      'thread.\n')

print('### c. Replication lag and reads from the replica\n')
print('Lag: when the row became visible on the replica (an AFTER INSERT trigger there, '
      'SYSDATE(6); the applier runs triggers for row events) against the login: after its end '
      '(the POP connection closed, after sqlrelayopen committed and ran its program: what a '
      'client sees; negative when the row arrived before the login was over) and after its '
      'start (an upper bound on commit to visible). Last column: SMTP connections from a '
      'logged-in address that arrived before the row was on the replica: with the replica '
      'first, each is refused.\n')
print('| phase | logins | seen on replica | after end p50 ms | p90 | p99 | max | after start p50 ms | p99 | logged-in SMTP before the row |')
print('|---|---|---|---|---|---|---|---|---|---|')
for n, f in PHASES:
    L, S = EV[n]
    lags = [SEEN[e[2]] - e[1] for e in L if e[3] == 'ok' and e[2] in SEEN]
    lags0 = [SEEN[e[2]] - e[0] for e in L if e[3] == 'ok' and e[2] in SEEN]
    early = sum(1 for e in S if e[4] in ('fresh', 'old') and e[3] in SEEN and SEEN[e[3]] > e[0])
    print(f"| {n} | {sum(1 for e in L if e[3] == 'ok')} | {len(lags)} | {ms(q(lags, 0.5))} | "
          f"{ms(q(lags, 0.9))} | {ms(q(lags, 0.99))} | {ms(max(lags) if lags else None)} | "
          f"{ms(q(lags0, 0.5))} | {ms(q(lags0, 0.99))} | {early} |")
L, S = EV['rfirst']
dec = decisions('rfirst')
byserver = {}
for t, r, ip, srv in dec:
    byserver[srv] = byserver.get(srv, 0) + 1
fr, od, un = wrong(S)
fresh = [e for e in S if e[4] == 'fresh']
print(f"\nReplica first (rfirst): decisions by server {byserver}; wrong: {fr} of {len(fresh)} fresh "
      f"logins refused, {od} old refused, {un} unknown allowed. A fresh SMTP connection here starts "
      f"{ms(q([e[0] - e[6] for e in fresh], 0.5))} ms (median) after its login ended. "
      "The lookup code (sqlrelay.c, sqlrelay_lookup_many) stops at the first server that answers: "
      "a miss on the replica is an answer, so there is no fall-back-to-primary-on-miss to measure.\n")

print('### d. The primary killed mid-run (4 front-ends, primary first)\n')
L, S = EV['kill']
tk, tr, tb = MARKS.get(('kill', 'kill')), MARKS.get(('kill', 'restart')), MARKS.get(('kill', 'back'))
dec = decisions('kill')
poplog = []
pl = os.path.join(D, 'pop.log')
if os.path.exists(pl):
    for line in open(pl):
        m = re.match(r'^(\S+) sqlrelayopen: warning: (\S+) not recorded', line)
        if m:
            poplog.append((float(m.group(1)), m.group(2)))
rows = set()
for f in ('primary.rows', 'replica.rows'):
    p = os.path.join(D, f)
    if os.path.exists(p):
        rows |= {l.strip() for l in open(p)}
if tk and tb:
    during = [e for e in S if tk <= e[0] < tb]
    after = [e for e in S if e[0] >= tb]
    fromrep = [t for t, r, ip, srv in dec if t >= tk and srv == RA and r != 'error']
    fromprim = [t for t, r, ip, srv in dec if t >= tb and srv == PA and r != 'error']
    errors = [t for t, r, ip, srv in dec if r == 'error']
    lout = [e for e in L if tk <= e[0] < tr]   # the primary down
    notrec = {ip for t, ip in poplog}
    per_ip = {}
    for t, ip in poplog:
        per_ip[ip] = per_ip.get(ip, 0) + 1
    written = sum(1 for e in lout if e[2] in rows)
    warned = sum(1 for e in lout if e[2] in notrec)
    refused_expected = sum(1 for e in S if e[4] in ('fresh', 'old') and e[5] == 'no' and e[3] in notrec)
    bad = [e for e in S if e[4] in ('fresh', 'old') and e[5] == 'no' and e[3] not in notrec]
    fr = len(bad)
    # the row not on the replica yet when the connection came: the tail
    # the primary had not sent when it died, or the lag while the
    # front-ends still read the replica (the primary's retry period)
    lstart = {e[2]: e[0] for e in L}
    tail = [e for e in bad if lstart.get(e[3], 0) < tk and SEEN.get(e[3], 0) > e[0]]
    lag = [e for e in bad if lstart.get(e[3], 0) >= tk and SEEN.get(e[3], 0) > e[0]]
    un = sum(1 for e in S if e[4] == 'unknown' and e[5] == 'yes')
    print('| measure | value |')
    print('|---|---|')
    print(f'| SMTP connections in the phase / during the outage | {len(S)} / {len(during)} |')
    print(f"| lost (whole phase / during the outage) | {sum(1 for e in S if e[5] == 'lost')} / "
          f"{sum(1 for e in during if e[5] == 'lost')} |")
    print(f"| first decision by the replica after the kill | "
          f"{ms(min(fromrep) - tk if fromrep else None)} ms |")
    print(f'| lookups failed (every server, fell back to the rules) | {len(errors)} |')
    print(f'| wrong decisions (recorded logins refused / unknown allowed) | {fr} / {un} |')
    print(f'| - of the refused: login before the kill, row not yet replicated (connections / logins) | '
          f'{len(tail)} / {len({e[3] for e in tail})} |')
    print(f'| - of the refused: login after the kill, read from the lagging replica (connections / logins) | '
          f'{len(lag)} / {len({e[3] for e in lag})} |')
    print(f'| - of the refused: other | {fr - len(tail) - len(lag)} |')
    print(f'| refusals of logins made during the outage (not recorded, as expected) | {refused_expected} |')
    print(f"| logins while the primary was down (kill to restart): attempted / succeeded | "
          f"{len(lout)} / {sum(1 for e in lout if e[3] == 'ok')} |")
    print(f'| their warning lines: logins with one / addresses with more than one | {warned} / '
          f'{sum(1 for v in per_ip.values() if v > 1)} |')
    print(f'| their rows written anywhere | {written} |')
    lst = [e for e in L if tr <= e[0] < tb]   # the primary starting
    print(f"| logins while the primary was starting (restart to ready): attempted / succeeded / "
          f"warned / written | {len(lst)} / {sum(1 for e in lst if e[3] == 'ok')} / "
          f"{sum(1 for e in lst if e[2] in notrec)} / {sum(1 for e in lst if e[2] in rows)} |")
    print(f'| restart of the primary (mariadbd start to ready) | {(tb - tr) * 1000:.0f} ms |')
    print(f"| first decision by the primary after it was back (retry 5) | "
          f"{ms(min(fromprim) - tb if fromprim else None)} ms |")
    print(f"| SMTP after it was back: conns / wrong | {len(after)} / "
          f"{sum(1 for e in after if (e[4] != 'unknown' and e[5] == 'no' and e[3] not in notrec) or (e[4] == 'unknown' and e[5] == 'yes'))} |")
else:
    print('n/a (the outage marks are missing)')
print()
print('### Load average\n')
print('| when | 1 / 5 / 15 min |')
print('|---|---|')
for line in open(os.path.join(D, 'load')):
    f = line.split()
    print(f'| {f[0]} | {" / ".join(f[-3:])} |')
