"""The metric engine: plain Python over plain values (no Django, no ORM, no clock).

``periods`` months and financial years; ``measures`` YTD, R12, changes, rates, ratios, snapshots,
breakdowns and completeness (``compute_series``, built from ``series`` the types, ``sums`` YTD
and R12, ``categories``, ``rating`` and ``spc_series``); ``rag`` targets to date and ratings;
``spc`` XmR charts; ``ranks`` positions in comparator groups; ``commentary`` drafts and
contradiction checks; ``vocabulary`` the kinds and statuses the models' choices are built from;
``formatting`` how every figure, percentage, rate, month and year is printed, here and
everywhere else.
"""
