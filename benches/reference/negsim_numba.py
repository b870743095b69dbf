#!/usr/bin/env python3
"""negsim's rules, literally, compiled with Numba: the speed peer of issue 15.

This is what a researcher who knows Numba would write instead of negsim: the day loop of
`negsim_ref.py` (docs/MODEL.md section 2, model 0.2 rules: phases with dates or after others
with a lag, requirements done / @started / at least n of, a coin `u < c * tau^rho` at every
review of every due action by every actor not yet consented, trust gains at completions and
losses at lapses, walkouts, Poisson shocks with trust drops and pauses, the five duration
laws), over flat NumPy arrays, jitted with `numba.njit`. The scenario is read and validated
by `negsim_ref.py` (same folder), then flattened. No skipping ahead: a coin per review.

    /tmp/numba-venv/bin/python benches/reference/negsim_numba.py SCENARIO.toml \
        --trials 200000 --seed 1 [--out trials.csv] [--compare negsim-trials.csv]

Prints the trials per second after a warm-up run (compilation excluded), on one core.
`--out` writes the columns of negsim's trials.csv that both have (outcome, end_day,
collapsed_by, actions_done, phase done days, party delays); `--compare` prints, for each,
the difference of means in standard errors against a negsim trials.csv and exits 1 when
any exceeds 5. Model 0.3 fields (willingness per action, relative deadlines, relapses,
suspension, observers, triggered shocks) are not implemented: a 0.3 scenario is refused.

Random numbers: NumPy's generator inside Numba (Mersenne Twister seeded once), unrelated to
negsim's ChaCha8 streams, so the two agree in distribution, not trial by trial.
"""
import argparse
import csv
import math
import os
import sys
import time

import numpy as np
from numba import njit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import negsim_ref  # noqa: E402

KINDS = {"fixed": 0, "uniform": 1, "triangular": 2, "lognormal": 3, "exponential": 4}
COMPLETED, COLLAPSED, STALLED = 0, 1, 2
OUTCOMES = ["completed", "collapsed", "stalled"]


def csr(rows):
    """Compressed rows: (start offsets, items)."""
    at = np.zeros(len(rows) + 1, dtype=np.int64)
    items = []
    for k, r in enumerate(rows):
        items.extend(r)
        at[k + 1] = len(items)
    return at, np.array(items if items else [0], dtype=np.int64)


def flatten(m):
    """The model of negsim_ref as a tuple of arrays for the jitted trial."""
    n, na, nph = len(m.party_ids), len(m.action_ids), len(m.phase_ids)
    T0 = np.array(m.T0, dtype=np.float64).reshape(n, n)
    party = np.array([m.c, m.rho, m.g, m.l, m.w], dtype=np.float64)
    review = np.array(m.r, dtype=np.int64)
    fixed_start = np.array([-1 if x is None else x for x in m.phase_fixed_start], dtype=np.int64)
    after_at, after = csr(m.phase_after)
    dep_at, dep = csr(m.phase_dependents)
    lag = np.array(m.phase_lag, dtype=np.int64)
    phase_size = np.array([len(a) for a in m.phase_actions], dtype=np.int64)
    actors_at, actors = csr(m.actors)
    is_actor = np.zeros((na, n), dtype=np.bool_)
    for a, acts in enumerate(m.actors):
        for j in acts:
            is_actor[a, j] = True
    phase_of = np.array(m.phase_of, dtype=np.int64)
    deadline = np.array([-1 if d is None else d for d in m.deadline], dtype=np.int64)
    # Lapses by day (the day after the deadline), in declaration order.
    lapse_at, lapse = csr([[a for a in range(na) if m.deadline[a] is not None
                            and m.deadline[a] + 1 == t] for t in range(m.H + 2)])
    dur_kind = np.array([KINDS[k] for k, _ in m.duration], dtype=np.int64)
    dur_par = np.zeros((na, 3), dtype=np.float64)
    for a, (k, p) in enumerate(m.duration):
        p = p if isinstance(p, tuple) else (p,)
        dur_par[a, : len(p)] = p
    rd_at, rd = csr(m.req_done)
    rs_at, rs = csr(m.req_started)
    al_at, al = csr(m.atleast_of)
    al_n = np.array(m.atleast_n, dtype=np.int64)
    cp_rows = [m.counterparts[a][i] for a in range(na) for i in range(n)]
    cp_at, cp = csr(cp_rows)
    ns = len(m.shocks)
    sh_par = np.zeros((max(ns, 1), 6), dtype=np.float64)  # rate, drop, pause_days, first, last, lowers
    sh_from = csr([s["from"] for s in m.shocks] or [[]])
    sh_toward = csr([s["toward"] for s in m.shocks] or [[]])
    sh_pause = csr([s["pause"] for s in m.shocks] or [[]])
    for k, s in enumerate(m.shocks):
        sh_par[k] = (s["rate"], s["drop"], s["pause_days"], s["first"], s["last"], float(s["lowers"]))
    return (n, na, nph, ns, m.H, T0, party, review, fixed_start, after_at, after, dep_at, dep,
            lag, phase_size, actors_at, actors, is_actor, phase_of, deadline, lapse_at, lapse,
            dur_kind, dur_par,
            rd_at, rd, rs_at, rs, al_at, al, al_n, cp_at, cp, sh_par,
            sh_from[0], sh_from[1], sh_toward[0], sh_toward[1], sh_pause[0], sh_pause[1])


@njit(cache=True)
def draw_duration(kind, p):
    if kind == 0:
        x = p[0]
    elif kind == 1:
        x = np.random.uniform(p[0], p[1])
    elif kind == 2:
        x = np.random.triangular(p[0], p[1], p[2])
    elif kind == 3:
        x = math.exp(math.log(p[0]) + p[1] * np.random.normal(0.0, 1.0))
    else:
        x = np.random.exponential(p[0]) if p[0] > 0 else 0.0
    r = math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)
    return max(0, int(r))


@njit(cache=True)
def walkout(T, n, w):
    if n < 2:
        return -1
    for i in range(n):
        total = 0.0
        for j in range(n):
            if j != i:
                total += T[i, j]
        if total / (n - 1) < w[i]:
            return i
    return -1


@njit(cache=True)
def is_due(a, t, phase_start, phase_of, done, started, rd_at, rd, rs_at, rs, al_at, al, al_n):
    ps = phase_start[phase_of[a]]
    if ps < 0 or ps > t:
        return False
    for k in range(rd_at[a], rd_at[a + 1]):
        if not done[rd[k]]:
            return False
    for k in range(rs_at[a], rs_at[a + 1]):
        if started[rs[k]] < 0:
            return False
    if al_n[a] > 0:
        c = 0
        for k in range(al_at[a], al_at[a + 1]):
            if done[al[k]]:
                c += 1
        if c < al_n[a]:
            return False
    return True


@njit(cache=True)
def complete(a, t, T, n, g, actors_at, actors, is_actor, phase_of, phase_left, phase_done,
             phase_start, dep_at, dep, after_at, after, lag, done):
    done[a] = True
    for i in range(n):
        if is_actor[a, i]:
            continue
        for k in range(actors_at[a], actors_at[a + 1]):
            j = actors[k]
            T[i, j] += g[i] * (1.0 - T[i, j])
    ph = phase_of[a]
    phase_left[ph] -= 1
    if phase_left[ph] == 0:
        phase_done[ph] = t
        for kk in range(dep_at[ph], dep_at[ph + 1]):
            q = dep[kk]
            if phase_start[q] >= 0:
                continue
            ok = True
            last = 0
            for x in range(after_at[q], after_at[q + 1]):
                p = after[x]
                if phase_done[p] < 0:
                    ok = False
                    break
                last = max(last, phase_done[p])
            if ok:
                phase_start[q] = last + lag[q]


@njit(cache=True)
def run_trials(seed, trials, n, na, nph, ns, H, T0, party, review, fixed_start, after_at, after,
               dep_at, dep, lag, phase_size, actors_at, actors, is_actor, phase_of, deadline,
               lapse_at, lapse, dur_kind, dur_par, rd_at, rd, rs_at, rs, al_at, al, al_n, cp_at, cp, sh_par,
               shf_at, shf, sht_at, sht, shp_at, shp):
    np.random.seed(seed)
    c, rho, g, l, w = party[0], party[1], party[2], party[3], party[4]
    out_outcome = np.zeros(trials, dtype=np.int64)
    out_end = np.zeros(trials, dtype=np.int64)
    out_by = np.full(trials, -1, dtype=np.int64)
    out_done = np.zeros(trials, dtype=np.int64)
    out_phase = np.full((trials, nph), -1, dtype=np.int64)
    out_delays = np.zeros((trials, n), dtype=np.int64)
    T = np.empty((n, n))
    phase_start = np.empty(nph, dtype=np.int64)
    phase_done = np.empty(nph, dtype=np.int64)
    phase_left = np.empty(nph, dtype=np.int64)
    started = np.empty(na, dtype=np.int64)
    done_day = np.empty(na, dtype=np.int64)
    done = np.empty(na, dtype=np.bool_)
    consented = np.empty((na, n), dtype=np.bool_)
    delays = np.empty(n, dtype=np.int64)
    pause_end = np.empty(n, dtype=np.int64)
    pending = np.empty(na, dtype=np.int64)   # done day of a started action, -1 otherwise
    arr_day = np.empty(4096, dtype=np.int64)
    arr_shock = np.empty(4096, dtype=np.int64)
    for trial in range(trials):
        T[:, :] = T0
        phase_start[:] = fixed_start
        phase_done[:] = -1
        phase_left[:] = phase_size
        started[:] = -1
        done_day[:] = -1
        done[:] = False
        consented[:, :] = False
        delays[:] = 0
        pause_end[:] = -1
        pending[:] = -1
        n_done = 0
        next_done = H + 1
        # 2.8: shock arrivals, drawn at the start (per shock, then sorted by day, stable).
        na_arr = 0
        for k in range(ns):
            rate = sh_par[k, 0]
            if rate <= 0:
                continue
            x = sh_par[k, 3]
            while True:
                x += np.random.exponential(365.25 / rate)
                day = math.floor(x)
                if day > sh_par[k, 4] or na_arr == 4096:
                    break
                arr_day[na_arr] = day
                arr_shock[na_arr] = k
                na_arr += 1
        order = np.argsort(arr_day[:na_arr], kind="mergesort")
        next_arr = 0
        outcome, end, by = STALLED, H, -1
        trust_changed = True
        finished = False
        for t in range(H + 1):
            # 1. completions of today, in declaration order
            if next_done == t:
                next_done = H + 1
                for a in range(na):
                    if pending[a] == t:
                        pending[a] = -1
                        complete(a, t, T, n, g, actors_at, actors, is_actor, phase_of,
                                 phase_left, phase_done, phase_start, dep_at, dep, after_at,
                                 after, lag, done)
                        n_done += 1
                        trust_changed = True
                    elif pending[a] > t:
                        next_done = min(next_done, pending[a])
            if n_done == na:
                outcome, end = COMPLETED, t
                break
            # 2. lapses of deadlines that were yesterday, then the walkout check
            for x in range(lapse_at[t], lapse_at[t + 1]):
                a = lapse[x]
                if not (done[a] and done_day[a] <= deadline[a]):
                    trust_changed = True
                    for i in range(n):
                        if is_actor[a, i]:
                            continue
                        for kk in range(actors_at[a], actors_at[a + 1]):
                            j = actors[kk]
                            T[i, j] -= l[i] * T[i, j]
            if trust_changed:
                trust_changed = False
                who = walkout(T, n, w)
                if who >= 0:
                    outcome, end, by = COLLAPSED, t, who
                    break
            # 3. shocks of today, in declaration order
            collapsed = False
            while next_arr < na_arr and arr_day[order[next_arr]] == t:
                k = arr_shock[order[next_arr]]
                next_arr += 1
                drop = sh_par[k, 1]
                for x in range(shf_at[k], shf_at[k + 1]):
                    i = shf[x]
                    for y in range(sht_at[k], sht_at[k + 1]):
                        j = sht[y]
                        if i != j:
                            T[i, j] -= drop * T[i, j]
                pd = int(sh_par[k, 2])
                if pd > 0:
                    for x in range(shp_at[k], shp_at[k + 1]):
                        p = shp[x]
                        pause_end[p] = max(pause_end[p], t + pd - 1)
                if sh_par[k, 5] > 0:
                    who = walkout(T, n, w)
                    if who >= 0:
                        outcome, end, by = COLLAPSED, t, who
                        collapsed = True
                        break
            if collapsed:
                break
            # 4. reviews: parties, then actions, in declaration order; a coin each
            for i in range(n):
                if t % review[i] != 0 or t <= pause_end[i]:
                    continue
                for a in range(na):
                    if started[a] >= 0 or not is_actor[a, i] or consented[a, i]:
                        continue
                    if not is_due(a, t, phase_start, phase_of, done, started, rd_at, rd,
                                  rs_at, rs, al_at, al, al_n):
                        continue
                    lo, hi = cp_at[a * n + i], cp_at[a * n + i + 1]
                    if hi > lo:
                        total = 0.0
                        for x in range(lo, hi):
                            total += T[i, cp[x]]
                        tau = total / (hi - lo)
                    else:
                        tau = 1.0
                    p = c[i] * tau ** rho[i] if rho[i] != 0 else c[i]
                    p = min(1.0, max(0.0, p))
                    if np.random.random() < p:
                        consented[a, i] = True
                        all_in = True
                        for kk in range(actors_at[a], actors_at[a + 1]):
                            if not consented[a, actors[kk]]:
                                all_in = False
                        if all_in:
                            started[a] = t
                            d = draw_duration(dur_kind[a], dur_par[a])
                            done_day[a] = t + d
                            if d == 0:
                                complete(a, t, T, n, g, actors_at, actors, is_actor, phase_of,
                                         phase_left, phase_done, phase_start, dep_at, dep,
                                         after_at, after, lag, done)
                                n_done += 1
                                trust_changed = True
                                if n_done == na:
                                    outcome, end = COMPLETED, t
                                    finished = True
                                    break
                            elif t + d <= H:
                                pending[a] = t + d
                                next_done = min(next_done, t + d)
                    else:
                        delays[i] += 1
                if finished:
                    break
            if finished:
                break
        out_outcome[trial] = outcome
        out_end[trial] = end
        out_by[trial] = by
        out_done[trial] = n_done
        out_phase[trial, :] = phase_done
        out_delays[trial, :] = delays
    return out_outcome, out_end, out_by, out_done, out_phase, out_delays


def stats(cols):
    out = {}
    for k, xs in cols.items():
        xs = [x for x in xs if x is not None]
        nn = len(xs)
        if nn < 2:
            continue
        mu = sum(xs) / nn
        var = sum((x - mu) ** 2 for x in xs) / (nn - 1)
        out[k] = (nn, mu, math.sqrt(var / nn))
    return out


def columns_of(m, res):
    outcome, end, by, nd, ph, dl = res
    cols = {"end_day": list(end), "actions_done": list(nd)}
    for o, name in enumerate(OUTCOMES):
        cols["p_" + name] = [1.0 if x == o else 0.0 for x in outcome]
    for k, pid in enumerate(m.phase_ids):
        cols[f"phase.{pid}.done_day"] = [None if x < 0 else int(x) for x in ph[:, k]]
        cols[f"phase.{pid}.p_done"] = [0.0 if x < 0 else 1.0 for x in ph[:, k]]
    for k, pid in enumerate(m.party_ids):
        cols[f"party.{pid}.delays"] = list(dl[:, k])
    return cols


def columns_of_csv(path, m):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    cols = {"end_day": [int(r["end_day"]) for r in rows],
            "actions_done": [int(r["actions_done"]) for r in rows]}
    for name in OUTCOMES:
        cols["p_" + name] = [1.0 if r["outcome"] == name else 0.0 for r in rows]
    for pid in m.phase_ids:
        k = f"phase.{pid}.done_day"
        cols[k] = [None if r[k] == "" else int(r[k]) for r in rows]
        cols[f"phase.{pid}.p_done"] = [0.0 if r[k] == "" else 1.0 for r in rows]
    for pid in m.party_ids:
        k = f"party.{pid}.delays"
        cols[k] = [int(r[k]) for r in rows]
    return cols


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--trials", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--compare")
    a = ap.parse_args(argv)
    try:
        m = negsim_ref.load_model(a.scenario)
    except negsim_ref.ScenarioError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    flat = flatten(m)
    t0 = time.perf_counter()
    run_trials(a.seed + 1, 100, *flat)  # warm-up: compilation (or the cache) excluded below
    t1, c1 = time.perf_counter(), time.process_time()
    res = run_trials(a.seed, a.trials, *flat)
    t2, c2 = time.perf_counter(), time.process_time()
    # CPU seconds of this (single-threaded) process: a fair figure on a shared machine.
    secs = c2 - c1
    print(f"trials: {a.trials}  warm-up s: {t1 - t0:.2f}  wall s: {t2 - t1:.3f}  "
          f"cpu s: {secs:.3f}  trials/s (cpu): {a.trials / secs:.0f}  "
          f"us/trial (cpu): {1e6 * secs / a.trials:.2f}", file=sys.stderr)
    if a.out:
        with open(a.out, "w", newline="") as f:
            wr = csv.writer(f, lineterminator="\n")
            wr.writerow(["trial", "outcome", "end_day", "collapsed_by", "actions_done"]
                        + [f"phase.{p}.done_day" for p in m.phase_ids]
                        + [f"party.{p}.delays" for p in m.party_ids])
            outcome, end, by, nd, ph, dl = res
            for k in range(a.trials):
                wr.writerow([k, OUTCOMES[outcome[k]], end[k],
                             "" if by[k] < 0 else m.party_ids[by[k]], nd[k]]
                            + ["" if x < 0 else x for x in ph[k]] + list(dl[k]))
    if a.compare:
        mine, theirs = stats(columns_of(m, res)), stats(columns_of_csv(a.compare, m))
        worst = 0.0
        for k in mine:
            if k not in theirs:
                continue
            (n1, m1, s1), (n2, m2, s2) = mine[k], theirs[k]
            se = math.hypot(s1, s2)
            z = 0.0 if se == 0 else (m1 - m2) / se
            worst = max(worst, abs(z))
            print(f"{k:40s} numba {m1:12.4f}  negsim {m2:12.4f}  z {z:+6.2f}")
        print(f"worst |z| = {worst:.2f} (limit 5)")
        return 1 if worst > 5 else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
