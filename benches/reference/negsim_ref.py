#!/usr/bin/env python3
"""negsim_ref.py: a literal reference implementation of negsim's model (docs/MODEL.md section 2).

It serves two purposes:

1. the "straightforward Python implementation that draws a coin at every review", used as the
   speed baseline in the benchmarks;
2. an independent oracle: the Rust engine (which skips ahead instead of drawing a coin at every
   review) is compared with this one statistically.

So this file follows the written rules day by day, step by step, without any shortcut: every
due, not-yet-started action is offered to every actor that has not consented yet at each of
its reviews, and a coin `random() < p` is drawn for it.  The points docs/MODEL.md leaves open are
resolved as listed in README.md next to this file (and in the comments below).

Usage:
    python3 negsim_ref.py SCENARIO.toml --trials N --seed S --out trials.csv
                          [--actions actions.csv] [--set PATH=VALUE]...
    python3 negsim_ref.py --selftest

Python 3.11 standard library only.
"""

import argparse
import csv
import datetime
import math
import random
import sys
import time
import tomllib

# --------------------------------------------------------------------------------------------
# Scenario file
# --------------------------------------------------------------------------------------------

# Party fields and their defaults (docs/MODEL.md 2.2). review_every_days: scenario's, else 7.
PARTY_DEFAULTS = {
    "compliance": 0.5,
    "reciprocity": 1.0,
    "initial_trust": 0.5,
    "trust_gain": 0.1,
    "trust_loss": 0.2,
    "walkout_trust": 0.0,
}
PARTY_FIELDS = set(PARTY_DEFAULTS) | {"trust", "review_every_days"}

TOP_KEYS = {"scenario", "defaults", "party", "phase", "action", "shock"}
SCENARIO_KEYS = {"name", "title", "source", "start", "horizon", "horizon_days", "review_every_days"}
PARTY_KEYS = PARTY_FIELDS | {"id", "name"}
PHASE_KEYS = {"id", "name", "start", "after", "lag_days"}
ACTION_KEYS = {"id", "name", "party", "phase", "deadline", "duration", "requires",
               "requires_at_least", "quantity", "unit"}
SHOCK_KEYS = {"id", "name", "rate_per_year", "from", "toward", "trust_drop", "pause",
              "pause_days", "window"}
DURATION_KINDS = {"fixed", "uniform", "triangular", "lognormal", "exponential"}


class ScenarioError(Exception):
    """A bad scenario file (or a bad --set)."""


def check_keys(table, allowed, where):
    if not isinstance(table, dict):
        raise ScenarioError(f"{where}: expected a table, got {table!r}")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                            f"allowed: {', '.join(sorted(allowed))}")


def to_date(value, where):
    """A TOML date or a "YYYY-MM-DD" string."""
    if isinstance(value, datetime.datetime):
        raise ScenarioError(f"{where}: expected a date, got a date-time {value}")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ScenarioError(f"{where}: expected a date YYYY-MM-DD, got {value!r}")


def to_number(value, where, low=None, high=None):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"{where}: expected a number, got {value!r}")
    value = float(value)
    if math.isnan(value) or (low is not None and value < low) or (high is not None and value > high):
        rng = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ScenarioError(f"{where}: {value} is outside {rng}")
    return value


def to_int(value, where, low=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{where}: expected a whole number, got {value!r}")
    if low is not None and value < low:
        raise ScenarioError(f"{where}: {value} is below {low}")
    return value


def to_id_list(value, where):
    """A string or a list of strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ScenarioError(f"{where}: expected an id or a list of ids, got {value!r}")


def parse_duration(spec, where):
    """Returns (kind, params) for docs/MODEL.md 2.7."""
    if spec is None:
        return ("fixed", 0.0)
    check_keys(spec, DURATION_KINDS, where)
    if len(spec) != 1:
        raise ScenarioError(f"{where}: expected exactly one of {', '.join(sorted(DURATION_KINDS))}")
    (kind, value), = spec.items()
    if kind == "fixed":
        return ("fixed", to_number(value, f"{where}.fixed", 0))
    if kind == "uniform":
        if not isinstance(value, list) or len(value) != 2:
            raise ScenarioError(f"{where}.uniform: expected [a, b]")
        a, b = (to_number(v, f"{where}.uniform", 0) for v in value)
        if a > b:
            raise ScenarioError(f"{where}.uniform: a > b")
        return ("uniform", (a, b))
    if kind == "triangular":
        if not isinstance(value, list) or len(value) != 3:
            raise ScenarioError(f"{where}.triangular: expected [min, mode, max]")
        lo, mode, hi = (to_number(v, f"{where}.triangular", 0) for v in value)
        if not lo <= mode <= hi:
            raise ScenarioError(f"{where}.triangular: need min <= mode <= max")
        return ("triangular", (lo, mode, hi))
    if kind == "lognormal":
        check_keys(value, {"median", "sigma"}, f"{where}.lognormal")
        if set(value) != {"median", "sigma"}:
            raise ScenarioError(f"{where}.lognormal: needs median and sigma")
        median = to_number(value["median"], f"{where}.lognormal.median", 0)
        if median <= 0:
            raise ScenarioError(f"{where}.lognormal.median: must be > 0")
        return ("lognormal", (median, to_number(value["sigma"], f"{where}.lognormal.sigma", 0)))
    # exponential
    check_keys(value, {"mean"}, f"{where}.exponential")
    if "mean" not in value:
        raise ScenarioError(f"{where}.exponential: needs mean")
    return ("exponential", to_number(value["mean"], f"{where}.exponential.mean", 0))


class Model:
    """The validated scenario, with integer indices (parties, phases, actions, shocks)."""

    def __init__(self, raw, origin="scenario"):
        check_keys(raw, TOP_KEYS, origin)
        sc = raw.get("scenario")
        if sc is None:
            raise ScenarioError(f"{origin}: missing [scenario]")
        check_keys(sc, SCENARIO_KEYS, "[scenario]")
        self.name = sc.get("name", "")
        if "start" not in sc:
            raise ScenarioError("[scenario]: missing start")
        self.start = to_date(sc["start"], "[scenario].start")
        if ("horizon" in sc) == ("horizon_days" in sc):
            raise ScenarioError("[scenario]: give exactly one of horizon, horizon_days")
        if "horizon" in sc:
            self.H = (to_date(sc["horizon"], "[scenario].horizon") - self.start).days
        else:
            self.H = to_int(sc["horizon_days"], "[scenario].horizon_days")
        if self.H < 0:
            raise ScenarioError("[scenario]: horizon before start")
        scenario_review = sc.get("review_every_days")
        if scenario_review is not None:
            scenario_review = to_int(scenario_review, "[scenario].review_every_days", 1)

        # ---- parties
        defaults = raw.get("defaults", {})
        check_keys(defaults, PARTY_FIELDS, "[defaults]")
        parties = raw.get("party", [])
        if not parties:
            raise ScenarioError("no [[party]]")
        self.party_ids = []
        for k, p in enumerate(parties):
            check_keys(p, PARTY_KEYS, f"[[party]] #{k + 1}")
            if not isinstance(p.get("id"), str):
                raise ScenarioError(f"[[party]] #{k + 1}: missing id")
            if p["id"] in self.party_ids:
                raise ScenarioError(f"[[party]] {p['id']}: duplicate id")
            self.party_ids.append(p["id"])
        self.pidx = {pid: k for k, pid in enumerate(self.party_ids)}
        n = len(self.party_ids)

        def field(p, key):
            # Precedence: the party's own value, else [defaults], else (review_every_days only)
            # [scenario].review_every_days, else the table's default.
            if key in p:
                return p[key], f"party.{p['id']}.{key}"
            if key in defaults:
                return defaults[key], f"defaults.{key}"
            if key == "review_every_days":
                return (scenario_review if scenario_review is not None else 7), "scenario.review_every_days"
            return PARTY_DEFAULTS[key], key

        self.c, self.rho, self.g, self.l, self.w, self.r = [], [], [], [], [], []
        init_trust = []
        for p in parties:
            self.c.append(to_number(*field(p, "compliance"), 0, 1))
            self.rho.append(to_number(*field(p, "reciprocity"), 0))
            init_trust.append(to_number(*field(p, "initial_trust"), 0, 1))
            self.g.append(to_number(*field(p, "trust_gain"), 0, 1))
            self.l.append(to_number(*field(p, "trust_loss"), 0, 1))
            self.w.append(to_number(*field(p, "walkout_trust"), 0, 1))
            self.r.append(to_int(*field(p, "review_every_days"), 1))

        def overrides(table, where):
            check_keys(table, set(self.party_ids), where)
            return {key: to_number(v, f"{where}.{key}", 0, 1) for key, v in table.items()}

        default_overrides = overrides(defaults.get("trust", {}), "defaults.trust")
        self.T0 = [[0.0] * n for _ in range(n)]
        for i, p in enumerate(parties):
            own = overrides(p.get("trust", {}), f"party.{p['id']}.trust")
            for j, pid in enumerate(self.party_ids):
                if j == i:
                    continue
                # T[i][j]: the party's own override, else [defaults].trust, else initial_trust.
                self.T0[i][j] = own.get(pid, default_overrides.get(pid, init_trust[i]))

        # ---- phases
        phases = raw.get("phase", [])
        if not phases:
            raise ScenarioError("no [[phase]]")
        self.phase_ids = []
        for k, ph in enumerate(phases):
            check_keys(ph, PHASE_KEYS, f"[[phase]] #{k + 1}")
            if not isinstance(ph.get("id"), str):
                raise ScenarioError(f"[[phase]] #{k + 1}: missing id")
            if ph["id"] in self.phase_ids:
                raise ScenarioError(f"[[phase]] {ph['id']}: duplicate id")
            self.phase_ids.append(ph["id"])
        phidx = {pid: k for k, pid in enumerate(self.phase_ids)}
        self.phase_fixed_start = []   # day the phase starts, if it does not depend on others
        self.phase_after = []         # phase indices it comes after
        self.phase_lag = []
        for ph in phases:
            where = f"phase.{ph['id']}"
            if "start" in ph and "after" in ph:
                raise ScenarioError(f"{where}: give start or after, not both")
            if "lag_days" in ph and "after" not in ph:
                raise ScenarioError(f"{where}: lag_days without after")
            after = []
            for q in to_id_list(ph.get("after", []), f"{where}.after"):
                if q not in phidx:
                    raise ScenarioError(f"{where}.after: unknown phase {q}")
                after.append(phidx[q])
            self.phase_after.append(after)
            self.phase_lag.append(to_int(ph.get("lag_days", 0), f"{where}.lag_days", 0))
            if "start" in ph:
                # A start date before the scenario's start counts as day 0.
                day = (to_date(ph["start"], f"{where}.start") - self.start).days
                self.phase_fixed_start.append(max(0, day))
            elif after:
                self.phase_fixed_start.append(None)
            else:
                self.phase_fixed_start.append(0)
        self.phase_dependents = [[q for q in range(len(phases)) if k in self.phase_after[q]]
                                 for k in range(len(phases))]

        # ---- actions
        actions = raw.get("action", [])
        if not actions:
            raise ScenarioError("no [[action]]")
        self.action_ids = []
        for k, a in enumerate(actions):
            check_keys(a, ACTION_KEYS, f"[[action]] #{k + 1}")
            if not isinstance(a.get("id"), str):
                raise ScenarioError(f"[[action]] #{k + 1}: missing id")
            if a["id"] in self.action_ids:
                raise ScenarioError(f"[[action]] {a['id']}: duplicate id")
            self.action_ids.append(a["id"])
        aidx = {aid: k for k, aid in enumerate(self.action_ids)}
        self.actors, self.actor_set, self.phase_of, self.deadline = [], [], [], []
        self.duration, self.req_done, self.req_started = [], [], []
        self.atleast_n, self.atleast_of, self.quantity, self.unit = [], [], [], []
        self.units = []
        for a in actions:
            where = f"action.{a['id']}"
            if "party" not in a:
                raise ScenarioError(f"{where}: missing party")
            actors = []
            for pid in to_id_list(a["party"], f"{where}.party"):
                if pid not in self.pidx:
                    raise ScenarioError(f"{where}.party: unknown party {pid}")
                if self.pidx[pid] not in actors:
                    actors.append(self.pidx[pid])
            if not actors:
                raise ScenarioError(f"{where}.party: no actor")
            self.actors.append(actors)
            self.actor_set.append(frozenset(actors))
            if a.get("phase") not in phidx:
                raise ScenarioError(f"{where}.phase: unknown or missing phase {a.get('phase')!r}")
            self.phase_of.append(phidx[a["phase"]])
            if "deadline" in a:
                day = (to_date(a["deadline"], f"{where}.deadline") - self.start).days
                if day < 0:
                    raise ScenarioError(f"{where}.deadline: before the scenario's start")
                self.deadline.append(day)
            else:
                self.deadline.append(None)
            self.duration.append(parse_duration(a.get("duration"), f"{where}.duration"))
            done, started = [], []
            for req in to_id_list(a.get("requires", []), f"{where}.requires"):
                target, at_started = (req[:-len("@started")], True) if req.endswith("@started") else (req, False)
                if target not in aidx:
                    raise ScenarioError(f"{where}.requires: unknown action {target}")
                (started if at_started else done).append(aidx[target])
            self.req_done.append(done)
            self.req_started.append(started)
            if "requires_at_least" in a:
                ral = a["requires_at_least"]
                check_keys(ral, {"n", "of"}, f"{where}.requires_at_least")
                of = []
                for x in to_id_list(ral.get("of", []), f"{where}.requires_at_least.of"):
                    if x not in aidx:
                        raise ScenarioError(f"{where}.requires_at_least.of: unknown action {x}")
                    of.append(aidx[x])
                self.atleast_n.append(to_int(ral.get("n"), f"{where}.requires_at_least.n", 0))
                self.atleast_of.append(of)
            else:
                self.atleast_n.append(0)
                self.atleast_of.append([])
            if ("quantity" in a) != ("unit" in a):
                raise ScenarioError(f"{where}: quantity and unit go together")
            if "unit" in a:
                if not isinstance(a["unit"], str):
                    raise ScenarioError(f"{where}.unit: expected a string")
                q = a["quantity"]
                if isinstance(q, bool) or not isinstance(q, (int, float)):
                    raise ScenarioError(f"{where}.quantity: expected a number")
                self.quantity.append(q)
                self.unit.append(a["unit"])
                if a["unit"] not in self.units:
                    self.units.append(a["unit"])
            else:
                self.quantity.append(None)
                self.unit.append(None)
        for k in range(len(phases)):
            if k not in self.phase_of:
                raise ScenarioError(f"phase.{self.phase_ids[k]}: holds no action")
        self.phase_actions = [[a for a in range(len(actions)) if self.phase_of[a] == k]
                              for k in range(len(phases))]

        # Counterparts of action a for party i (2.4 and resolution 4): the distinct actors of
        # every action named in requires (done or @started) and requires_at_least.of, other
        # than i, in party order; when there is none, all the other parties.
        self.counterparts = []
        for a in range(len(actions)):
            linked = set()
            for b in self.req_done[a] + self.req_started[a] + self.atleast_of[a]:
                linked.update(self.actors[b])
            per_party = []
            for i in range(n):
                cp = [j for j in range(n) if j != i and j in linked]
                if not cp:
                    cp = [j for j in range(n) if j != i]
                per_party.append(cp)
            self.counterparts.append(per_party)

        # Lapses happen on day deadline + 1 (resolution 5), in action declaration order.
        self.lapses_on = {}
        for a, d in enumerate(self.deadline):
            if d is not None and d + 1 <= self.H:
                self.lapses_on.setdefault(d + 1, []).append(a)

        # ---- shocks
        self.shocks = []
        seen = set()
        for k, s in enumerate(raw.get("shock", [])):
            check_keys(s, SHOCK_KEYS, f"[[shock]] #{k + 1}")
            if not isinstance(s.get("id"), str):
                raise ScenarioError(f"[[shock]] #{k + 1}: missing id")
            where = f"shock.{s['id']}"
            if s["id"] in seen:
                raise ScenarioError(f"{where}: duplicate id")
            seen.add(s["id"])

            def parties_of(key):
                out = []
                for pid in to_id_list(s.get(key, []), f"{where}.{key}"):
                    if pid not in self.pidx:
                        raise ScenarioError(f"{where}.{key}: unknown party {pid}")
                    if self.pidx[pid] not in out:
                        out.append(self.pidx[pid])
                return out

            frm, toward, pause = parties_of("from"), parties_of("toward"), parties_of("pause")
            drop = to_number(s.get("trust_drop", 0.0), f"{where}.trust_drop", 0, 1)
            first, last = 0, self.H
            if "window" in s:
                win = s["window"]
                if not isinstance(win, list) or len(win) != 2:
                    raise ScenarioError(f"{where}.window: expected [first date, last date]")
                # A window date before the scenario's start counts as day 0 (resolution 7).
                first = max(0, (to_date(win[0], f"{where}.window") - self.start).days)
                last = (to_date(win[1], f"{where}.window") - self.start).days
            self.shocks.append({
                "id": s["id"],
                "rate": to_number(s.get("rate_per_year", 0.0), f"{where}.rate_per_year", 0),
                "from": frm,
                "toward": toward,
                "drop": drop,
                "pause": pause,
                "pause_days": to_int(s.get("pause_days", 0), f"{where}.pause_days", 0),
                "first": first,
                "last": min(last, self.H),  # arrivals after H never matter
                # Checked for a walkout afterwards only if it lowers some trust (resolution 2).
                "lowers": drop > 0 and any(i != j for i in frm for j in toward),
            })


def apply_set(raw, assignment):
    """--set PATH=VALUE, e.g. party.DPRK.compliance=0.3 or defaults.trust.US=0.2."""
    if "=" not in assignment:
        raise ScenarioError(f"--set {assignment}: expected PATH=VALUE")
    path, text = assignment.split("=", 1)
    try:
        value = tomllib.loads("v = " + text)["v"]
    except tomllib.TOMLDecodeError:
        value = text  # a bare string
    parts = path.split(".")
    if parts[0] in ("scenario", "defaults") and len(parts) >= 2:
        node, rest = raw.setdefault(parts[0], {}), parts[1:]
    elif parts[0] in ("party", "phase", "action", "shock") and len(parts) >= 3:
        matches = [x for x in raw.get(parts[0], []) if x.get("id") == parts[1]]
        if not matches:
            raise ScenarioError(f"--set {path}: no {parts[0]} with id {parts[1]}")
        node, rest = matches[0], parts[2:]
    else:
        raise ScenarioError(f"--set {path}: expected scenario.F, defaults.F or "
                            "party|phase|action|shock.ID.F")
    for key in rest[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ScenarioError(f"--set {path}: {key} is not a table")
    node[rest[-1]] = value


def load_model(path, sets=()):
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: {e}") from None
    for s in sets:
        apply_set(raw, s)
    try:
        return Model(raw, str(path))
    except ScenarioError as e:
        raise ScenarioError(f"{path}: {e}") from None


# --------------------------------------------------------------------------------------------
# One trial, day by day (docs/MODEL.md section 2)
# --------------------------------------------------------------------------------------------

def round_half_away(x):
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def draw_duration(spec, rng):
    """2.7: a draw rounded to the nearest whole day (halves away from zero), never below 0."""
    kind, params = spec
    if kind == "fixed":
        x = params
    elif kind == "uniform":
        x = rng.uniform(params[0], params[1])
    elif kind == "triangular":
        lo, mode, hi = params
        x = rng.triangular(lo, hi, mode)  # Python's order is (low, high, mode)
    elif kind == "lognormal":
        median, sigma = params
        x = math.exp(math.log(median) + sigma * rng.gauss(0.0, 1.0))
    else:  # exponential
        x = rng.expovariate(1.0 / params) if params > 0 else 0.0
    return max(0, int(round_half_away(x)))


class Trial:
    """The state of one trial. run() plays it from day 0 to the end."""

    def __init__(self, m, rng):
        self.m, self.rng = m, rng
        n, na, nph = len(m.party_ids), len(m.action_ids), len(m.phase_ids)
        self.n = n
        self.T = [row[:] for row in m.T0]
        self.phase_start = list(m.phase_fixed_start)   # day, or None while unknown
        self.phase_done = [None] * nph
        self.phase_left = [len(acts) for acts in m.phase_actions]
        self.started = [None] * na       # day the action started
        self.done_day = [None] * na      # day it is (or will be) done, once started
        self.done = [False] * na         # done so far
        self.n_done = 0
        self.consented = [[False] * n for _ in range(na)]
        self.delays = [[0] * na for _ in range(n)]
        self.due_day = [None] * na       # first day the action was due (for actions.csv)
        self.pending = {}                # day -> actions to complete in step 1 of that day
        self.pause_end = [-1] * n        # last paused day
        self.due_dirty = True
        # walkout() is a pure function of T: the daily check re-evaluates it only if T changed.
        self.trust_changed = True

        # 2.8: all shock arrivals are drawn at the start of the trial.
        self.arrivals = {}               # day -> shock indices, in declaration order
        for k, s in enumerate(m.shocks):
            if s["rate"] <= 0:
                continue
            x = s["first"]
            while True:
                x += rng.expovariate(s["rate"] / 365.25)
                day = math.floor(x)
                if day > s["last"]:
                    break
                self.arrivals.setdefault(day, []).append(k)

    # ---- the rules

    def is_due(self, a, t):
        """2.3: the action's phase has started and all its requirements hold, now."""
        m = self.m
        ps = self.phase_start[m.phase_of[a]]
        if ps is None or ps > t:
            return False
        for b in m.req_done[a]:
            if not self.done[b]:
                return False
        for b in m.req_started[a]:
            if self.started[b] is None:
                return False
        if m.atleast_n[a] > 0:
            if sum(1 for b in m.atleast_of[a] if self.done[b]) < m.atleast_n[a]:
                return False
        return True

    def chance(self, i, a):
        """2.4: p_i(a) = clamp(c_i * tau ^ rho_i, 0, 1)."""
        m = self.m
        cps = m.counterparts[a][i]
        if cps:
            total = 0.0
            for j in cps:
                total += self.T[i][j]
            tau = total / len(cps)
        else:
            tau = 1.0  # a one-party scenario: no counterpart at all
        p = m.c[i] * tau ** m.rho[i]  # Python: 0.0 ** 0.0 == 1.0
        return min(1.0, max(0.0, p))

    def walkout(self):
        """2.6: the first party whose mean trust in the others is below its walkout_trust."""
        n = self.n
        self.trust_changed = False
        if n < 2:
            return None
        for i in range(n):
            total = 0.0
            for j in range(n):
                if j != i:
                    total += self.T[i][j]
            if total / (n - 1) < self.m.w[i]:
                return i
        return None

    def complete(self, a, t):
        """2.5 and 2.9: action a is done today."""
        m = self.m
        self.done[a] = True
        self.n_done += 1
        self.due_dirty = True
        T, actors, actor_set = self.T, m.actors[a], m.actor_set[a]
        self.trust_changed = True
        for i in range(self.n):
            if i in actor_set:
                continue
            g = m.g[i]
            for j in actors:
                T[i][j] += g * (1.0 - T[i][j])
        ph = m.phase_of[a]
        self.phase_left[ph] -= 1
        if self.phase_left[ph] == 0:
            self.phase_done[ph] = t
            for q in m.phase_dependents[ph]:
                if self.phase_start[q] is None and all(self.phase_done[p] is not None
                                                       for p in m.phase_after[q]):
                    # lag 0: starts at once (today); lag > 0: at the beginning of that day.
                    self.phase_start[q] = max(self.phase_done[p] for p in m.phase_after[q]) \
                        + m.phase_lag[q]

    def start(self, a, t):
        """The last actor consented: the action starts today, done D days later."""
        self.started[a] = t
        self.due_dirty = True
        d = draw_duration(self.m.duration[a], self.rng)
        self.done_day[a] = t + d
        if d == 0:
            self.complete(a, t)
        elif t + d <= self.m.H:
            self.pending.setdefault(t + d, []).append(a)

    def lapse(self, a):
        m, T = self.m, self.T
        actors, actor_set = m.actors[a], m.actor_set[a]
        self.trust_changed = True
        for i in range(self.n):
            if i in actor_set:
                continue
            loss = m.l[i]
            for j in actors:
                T[i][j] -= loss * T[i][j]

    def shock(self, k, t):
        s, T = self.m.shocks[k], self.T
        self.trust_changed = True
        for i in s["from"]:
            for j in s["toward"]:
                if i != j:
                    T[i][j] -= s["drop"] * T[i][j]
        if s["pause_days"] > 0:
            for p in s["pause"]:
                self.pause_end[p] = max(self.pause_end[p], t + s["pause_days"] - 1)

    def refresh_due(self, t):
        """Bookkeeping only (actions.csv due_day): record the actions that became due."""
        if self.due_dirty:
            for a in range(len(self.due_day)):
                if self.due_day[a] is None and self.is_due(a, t):
                    self.due_day[a] = t
            self.due_dirty = False

    # ---- the day loop

    def run(self):
        m, rng = self.m, self.rng
        n_actions = len(m.action_ids)
        for t in range(m.H + 1):
            if t in self.phase_start:   # a phase starts at the beginning of today
                self.due_dirty = True

            # 1. completions of actions whose done day is today, in declaration order
            for a in sorted(self.pending.pop(t, [])):
                self.complete(a, t)
            if self.n_done == n_actions:
                return self.result("completed", t)
            self.refresh_due(t)

            # 2. lapses: deadline yesterday and not done on or before it
            for a in m.lapses_on.get(t, ()):
                if not (self.done[a] and self.done_day[a] <= m.deadline[a]):
                    self.lapse(a)
            # (every day, even without a lapse; skipped when T is unchanged since the last
            # check, which gives the same answer)
            who = self.walkout() if self.trust_changed else None
            if who is not None:
                return self.result("collapsed", t, who)

            # 3. shocks that occur today, in declaration order, once per arrival
            for k in self.arrivals.get(t, ()):
                self.shock(k, t)
                if m.shocks[k]["lowers"]:
                    who = self.walkout()
                    if who is not None:
                        return self.result("collapsed", t, who)

            # 4. reviews, parties in declaration order, actions in declaration order
            for i in range(self.n):
                if t % m.r[i] != 0 or t <= self.pause_end[i]:
                    continue
                for a in range(n_actions):
                    if self.started[a] is not None or i not in m.actor_set[a] \
                            or self.consented[a][i] or not self.is_due(a, t):
                        continue
                    if rng.random() < self.chance(i, a):
                        self.consented[a][i] = True
                        if all(self.consented[a][j] for j in m.actors[a]):
                            self.start(a, t)
                            self.refresh_due(t)
                            if self.n_done == n_actions:
                                return self.result("completed", t)
                    else:
                        self.delays[i][a] += 1
        return self.result("stalled", m.H)

    def result(self, outcome, end_day, collapsed_by=None):
        self.outcome, self.end_day, self.collapsed_by = outcome, end_day, collapsed_by
        return self


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def fmt_num(x):
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return repr(float(x))


def cell(x):
    return "" if x is None else str(x)


def trial_header(m):
    return (["point", "trial", "outcome", "end_day", "end_date", "collapsed_by", "actions_done"]
            + [f"phase.{p}.done_day" for p in m.phase_ids]
            + [f"quantity.{u}" for u in m.units]
            + [f"party.{p}.delays" for p in m.party_ids])


def trial_row(m, k, tr):
    quantities = []
    for u in m.units:
        total = 0
        for a in range(len(m.action_ids)):
            if tr.done[a] and m.unit[a] == u:
                total += m.quantity[a]
        quantities.append(fmt_num(total))
    return ([0, k, tr.outcome, tr.end_day,
             (m.start + datetime.timedelta(days=tr.end_day)).isoformat(),
             "" if tr.collapsed_by is None else m.party_ids[tr.collapsed_by], tr.n_done]
            + [cell(d) for d in tr.phase_done]
            + quantities
            + [sum(tr.delays[i]) for i in range(len(m.party_ids))])


ACTION_HEADER = ["point", "trial", "action", "due_day", "started_day", "done_day", "delays", "late"]


def action_rows(m, k, tr):
    for a, aid in enumerate(m.action_ids):
        done_day = tr.done_day[a] if tr.done[a] else None
        dl = m.deadline[a]
        if dl is None:
            late = False
        elif done_day is not None:
            late = done_day > dl
        else:
            late = dl < tr.end_day
        yield [0, k, aid, cell(tr.due_day[a]), cell(tr.started[a]), cell(done_day),
               sum(tr.delays[i][a] for i in m.actors[a]), "true" if late else "false"]


def trial_rng(seed, trial):
    return random.Random(seed * 1_000_003 + trial)


def run(m, trials, seed, out_path, actions_path=None):
    t0 = time.perf_counter()
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(trial_header(m))
        fa = open(actions_path, "w", newline="") if actions_path else None
        wa = csv.writer(fa, lineterminator="\n") if fa else None
        if wa:
            wa.writerow(ACTION_HEADER)
        try:
            for k in range(trials):
                tr = Trial(m, trial_rng(seed, k)).run()
                w.writerow(trial_row(m, k, tr))
                if wa:
                    wa.writerows(action_rows(m, k, tr))
        finally:
            if fa:
                fa.close()
    return time.perf_counter() - t0


# --------------------------------------------------------------------------------------------
# Self-test: closed-form checks
# --------------------------------------------------------------------------------------------

def model_from(text):
    return Model(tomllib.loads(text), "selftest")


def simulate(m, trials, seed=1):
    return [Trial(m, trial_rng(seed, k)).run() for k in range(trials)]


def mean_sd(xs):
    mu = sum(xs) / len(xs)
    var = sum((x - mu) ** 2 for x in xs) / (len(xs) - 1)
    return mu, math.sqrt(var)


class Checks:
    def __init__(self):
        self.failed = 0

    def ok(self, cond, what):
        print(("ok    " if cond else "FAIL  ") + what)
        if not cond:
            self.failed += 1

    def close(self, got, want, se, what, z=4.0):
        self.ok(abs(got - want) <= z * se,
                f"{what}: got {got:.4f}, want {want:.4f} (+- {z:g} se = {z * se:.4f})")


ONE_ACTION = """
[scenario]
name = "one"
start = 2007-10-03
horizon_days = {H}
review_every_days = {R}
[[party]]
id = "A"
compliance = {C}
reciprocity = 0
[[phase]]
id = "p"
[[action]]
id = "a"
party = "A"
phase = "p"
duration = {{ fixed = 3 }}
"""


def selftest():
    ck = Checks()

    # 1. One action, one actor, p = 0.5, weekly reviews, fixed duration 3:
    #    done day = 7 G + 3 with G ~ Geometric (failures before the first success).
    p, n = 0.5, 20000
    m = model_from(ONE_ACTION.format(H=3650, R=7, C=p))
    res = simulate(m, n)
    ck.ok(all(tr.outcome == "completed" for tr in res), "one action: every trial completes")
    days = [tr.end_day for tr in res]
    mu = 7 * (1 - p) / p + 3
    sd = 7 * math.sqrt(1 - p) / p
    ck.close(sum(days) / n, mu, sd / math.sqrt(n), "one action: mean done day 7(1-p)/p + 3")
    ck.ok(all((d - 3) % 7 == 0 for d in days), "one action: done only on review day + 3")
    dl = [sum(tr.delays[0]) for tr in res]
    ck.close(sum(dl) / n, (1 - p) / p, math.sqrt(1 - p) / p / math.sqrt(n), "one action: mean delays (1-p)/p")

    # 2. Joint action of two parties, daily reviews: starts on the day the later of the two
    #    geometric consents arrives. E[max of two Geometric(p) counts of reviews] =
    #    2/p - 1/(1 - (1-p)^2); start day = that count - 1.
    m = model_from("""
[scenario]
start = "2007-01-01"
horizon_days = 2000
review_every_days = 1
[defaults]
reciprocity = 0
compliance = 0.3
[[party]]
id = "A"
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "meet"
party = ["A", "B"]
phase = "p"
""")
    p = 0.3
    res = simulate(m, n)
    days = [tr.end_day for tr in res]
    want = 2 / p - 1 / (1 - (1 - p) ** 2) - 1
    mu, sd = mean_sd(days)
    ck.close(mu, want, sd / math.sqrt(n), "joint action: mean start day of max of two geometrics")

    # 3. Reciprocity: p = c * tau^rho with tau = T[A][B] = 0.25, rho = 2, c = 0.8 -> 0.05;
    #    daily reviews, zero duration: mean done day (1-p)/p = 19.
    m = model_from("""
[scenario]
start = 2007-01-01
horizon_days = 5000
review_every_days = 1
[[party]]
id = "A"
compliance = 0.8
reciprocity = 2
trust = { B = 0.25 }
[[party]]
id = "B"
[[phase]]
id = "p"
[[action]]
id = "a"
party = "A"
phase = "p"
""")
    p = 0.8 * 0.25 ** 2
    res = simulate(m, n)
    days = [tr.end_day for tr in res]
    ck.close(sum(days) / n, (1 - p) / p, math.sqrt(1 - p) / p / math.sqrt(n),
             "reciprocity: mean done day with p = c tau^rho")

    # 4. Lapse and walkout, deterministic: A never acts; deadline day 5 lapses on day 6;
    #    B's trust in A 0.6 -> 0.48 < 0.5: B walks out on day 6.
    LAPSE = """
[scenario]
start = 2007-01-01
horizon_days = 100
[[party]]
id = "A"
compliance = 0
[[party]]
id = "B"
initial_trust = 0.6
trust_loss = 0.2
walkout_trust = {W}
[[phase]]
id = "p"
[[action]]
id = "a"
party = "A"
phase = "p"
deadline = 2007-01-06
"""
    tr = simulate(model_from(LAPSE.format(W=0.5)), 1)[0]
    ck.ok((tr.outcome, tr.end_day, tr.collapsed_by) == ("collapsed", 6, 1),
          f"lapse: B walks out on day 6 (got {tr.outcome} {tr.end_day} {tr.collapsed_by})")
    tr = simulate(model_from(LAPSE.format(W=0.47)), 1)[0]
    ck.ok((tr.outcome, tr.end_day) == ("stalled", 100) and abs(tr.T[1][0] - 0.48) < 1e-12,
          "lapse: T[B][A] = 0.48 and no walkout below 0.48; stalled at H")
    tr = Trial(model_from(LAPSE.format(W=0.47)), trial_rng(1, 0)).run()
    ck.ok(sum(tr.delays[0]) == 15, f"lapse: 15 weekly reviews to day 98, 15 delays (got {sum(tr.delays[0])})")

    # 5. Shock: rate 2 per year, drop 0.5 from B toward A, B's walkout 0.4 with trust 0.6:
    #    the first arrival collapses the trial. P(collapse by H) = 1 - exp(-rate (H+1)/365.25).
    m = model_from("""
[scenario]
start = 2007-01-01
horizon_days = 90
[[party]]
id = "A"
compliance = 0
[[party]]
id = "B"
initial_trust = 0.6
walkout_trust = 0.4
[[phase]]
id = "p"
[[action]]
id = "a"
party = "A"
phase = "p"
[[shock]]
id = "s"
rate_per_year = 2
from = ["B"]
toward = ["A"]
trust_drop = 0.5
""")
    res = simulate(m, n)
    q = sum(tr.outcome == "collapsed" for tr in res) / n
    want = 1 - math.exp(-2 * 91 / 365.25)
    ck.close(q, want, math.sqrt(want * (1 - want) / n), "shock: P(collapse within horizon)")
    ck.ok(all(tr.collapsed_by == 1 for tr in res if tr.outcome == "collapsed"), "shock: B walks out")

    # 6. Zero-duration chains within one review (resolution 3): a2 requires a1.
    CHAIN = """
[scenario]
start = 2007-01-01
horizon_days = 30
[[party]]
id = "A"
compliance = 1
[[phase]]
id = "p1"
[[phase]]
id = "p2"
after = ["p1"]
{ACTIONS}
"""
    fwd = CHAIN.replace("{ACTIONS}", """
[[action]]
id = "a1"
party = "A"
phase = "p1"
[[action]]
id = "a2"
party = "A"
phase = "p2"
requires = ["a1"]
""")
    tr = simulate(model_from(fwd), 1)[0]
    ck.ok((tr.outcome, tr.end_day, tr.phase_done) == ("completed", 0, [0, 0]),
          "chain: later-declared dependent (and its lag-0 phase) done in the same review")
    rev = CHAIN.replace("{ACTIONS}", """
[[action]]
id = "a2"
party = "A"
phase = "p2"
requires = ["a1"]
[[action]]
id = "a1"
party = "A"
phase = "p1"
""")
    tr = simulate(model_from(rev), 1)[0]
    ck.ok((tr.outcome, tr.end_day, tr.done_day) == ("completed", 7, [7, 0]),
          "chain: earlier-declared dependent waits for the next review")

    # 7. Deterministic rules: lag > 0, @started, requires_at_least, trust gain, pauses.
    RULES = """
[scenario]
start = 2007-01-01
horizon_days = 40
review_every_days = 1
[defaults]
compliance = 1
reciprocity = 0
[[party]]
id = "A"
[[party]]
id = "B"
[[party]]
id = "C"
compliance = 0
[[phase]]
id = "p1"
[[phase]]
id = "p2"
after = ["p1"]
lag_days = 3
[[action]]
id = "x"
party = "A"
phase = "p1"
duration = { fixed = 10 }
[[action]]
id = "y"
party = "B"
phase = "p1"
requires = ["x@started"]
[[action]]
id = "z"
party = "B"
phase = "p1"
duration = { fixed = 2 }
[[action]]
id = "w"
party = ["A", "B"]
phase = "p2"
requires_at_least = { n = 2, of = ["x", "y", "z"] }
[[action]]
id = "v"
party = "C"
phase = "p2"
[[shock]]
id = "pause-B"
rate_per_year = 1e7
from = ["A"]
toward = ["B"]
trust_drop = 0
pause = ["B"]
pause_days = 4
window = [2007-01-01, 2007-01-01]
"""
    tr = simulate(model_from(RULES), 1)[0]
    # x starts day 0 (done 10); y (@started) is B's, but B is paused days 0-3: done day 4;
    # z starts day 4, done 6; p1 done day 10, p2 starts day 13; w needs 2 of x,y,z: y on
    # day 4 and z on day 6, so w is due on day 6 but its phase starts on day 13: done 13.
    want = [10, 4, 6, 13, None]
    got = [tr.done_day[a] if tr.done[a] else None for a in range(5)]
    ck.ok(got == want and tr.phase_done == [10, None] and tr.due_day == [0, 0, 0, 13, 13],
          f"rules: @started, pause, requires_at_least, lag_days (done {got}, due {tr.due_day})")
    ck.ok(sum(tr.delays[1]) == 0 and sum(tr.delays[2]) == 40 - 13 + 1,
          "rules: paused party counts no delay; C delays once a day from day 13 to 40")
    # trust gains: C (non-actor) saw x, y, z, w done: in A twice (x, w), in B three times.
    ta, tb = 0.5, 0.5
    for _ in range(2):
        ta += 0.1 * (1 - ta)
    for _ in range(3):
        tb += 0.1 * (1 - tb)
    ck.ok(abs(tr.T[2][0] - ta) < 1e-12 and abs(tr.T[2][1] - tb) < 1e-12
          and abs(tr.T[0][1] - 0.5 - 0.1 * 0.5 * 1 - 0.1 * (1 - 0.55)) < 1e-12,
          "rules: trust gains g (1 - T) for non-actors only")

    # 8. Durations: exact mean of the rounded draw, from the CDF.
    rng = random.Random(7)

    def rounded_mean(cdf, hi):
        return sum(k * (cdf(k + 0.5) - cdf(k - 0.5)) for k in range(0, int(hi) + 3))

    def tri_cdf(lo, mode, hi):
        def f(x):
            if x <= lo:
                return 0.0
            if x >= hi:
                return 1.0
            if x <= mode:
                return (x - lo) ** 2 / ((hi - lo) * (mode - lo))
            return 1 - (hi - x) ** 2 / ((hi - lo) * (hi - mode))
        return f

    for spec, cdf, hi in [
        (("triangular", (2.0, 9.0, 10.0)), tri_cdf(2.0, 9.0, 10.0), 10),
        (("uniform", (1.0, 4.0)), lambda x: min(1.0, max(0.0, (x - 1) / 3)), 4),
        (("exponential", 5.0), lambda x: 0.0 if x < 0 else 1 - math.exp(-x / 5), 200),
        (("lognormal", (6.0, 0.5)),
         lambda x: 0.0 if x <= 0 else 0.5 * (1 + math.erf(math.log(x / 6.0) / (0.5 * math.sqrt(2)))), 200),
    ]:
        xs = [draw_duration(spec, rng) for _ in range(n)]
        mu, sd = mean_sd(xs)
        ck.close(mu, rounded_mean(cdf, hi), sd / math.sqrt(n), f"duration {spec[0]}: mean of rounded draw")
    ck.ok(draw_duration(("fixed", 2.5), rng) == 3 and draw_duration(("fixed", 2.4999), rng) == 2,
          "duration: halves round away from zero")

    print(f"{ck.failed} check(s) failed" if ck.failed else "all checks passed")
    return 1 if ck.failed else 0


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="negsim literal reference implementation (Python)")
    ap.add_argument("scenario", nargs="?", help="scenario TOML file")
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="trials.csv", help="trials CSV file (default trials.csv)")
    ap.add_argument("--actions", metavar="FILE", help="also write one row per (trial, action)")
    ap.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                    help="override a scenario field, e.g. party.DPRK.compliance=0.3")
    ap.add_argument("--selftest", action="store_true", help="run the closed-form checks")
    args = ap.parse_args(argv)
    if args.selftest:
        return selftest()
    if not args.scenario:
        ap.error("a scenario file is required")
    if args.trials < 0:
        ap.error("--trials must be >= 0")
    try:
        m = load_model(args.scenario, args.set)
    except (ScenarioError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    secs = run(m, args.trials, args.seed, args.out, args.actions)
    rate = args.trials / secs if secs > 0 else float("inf")
    print(f"trials: {args.trials}  seconds: {secs:.3f}  trials/s: {rate:.1f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
