"""The rule engine's pure core: plugins and the evaluation of presence and entries into
figures (lines), to the minute. Plain values in, figures out: no session, no clock."""
