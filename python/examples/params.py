"""The parameters the examples vary: sweep paths of the bundled default scenario
(second-phase-2007) with plausible ranges around its values, and the budget switch.

``NEGSIM_FULL=1`` runs every example at full size (minutes); without it each runs in
seconds, as the test suite does.
"""

import os

FULL = os.environ.get("NEGSIM_FULL", "") not in ("", "0")

# path: (low, high); the scenario's own value lies inside each range.
PARAMS = {
    "party.DPRK.compliance": (0.2, 0.9),
    "party.US.compliance": (0.4, 0.95),
    "party.DPRK.reciprocity": (0.6, 2.0),
    "party.DPRK.trust_loss": (0.1, 0.5),
    "party.DPRK.walkout_trust": (0.2, 0.5),
    "defaults.trust_gain": (0.03, 0.2),
    "party.DPRK.trust.US": (0.2, 0.7),
    "shock.banking-dispute.rate_per_year": (0.0, 1.5),
}
# Two more for scenario discovery.
MORE = {
    "scenario.review_every_days": (7, 30),
    "shock.verification-dispute.trust_drop": (0.1, 0.7),
}

# The outcomes: the share of trials the talks complete, the declaration's day (mean over
# the trials in which it was handed over), the share they collapse.
OBSERVE = ["outcome", "action.provide-declaration.done_day"]
DECLARATION = "action.provide-declaration.done_day"
