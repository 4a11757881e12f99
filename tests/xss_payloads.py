"""Fifty hostile strings for every free-text field (SECURITY.md A4).

Each one, if it ever ran, would set `window.__xss` or open a dialog; the browser tests
check that neither happens and that no element they try to inject exists.
"""

from __future__ import annotations

_CALL = "window.__xss=1"

PAYLOADS: tuple[str, ...] = (
    f"<script>{_CALL}</script>",
    f"<img src=x onerror=\"{_CALL}\">",
    f"<svg onload=\"{_CALL}\">",
    f"<body onload=\"{_CALL}\">",
    f"<iframe src=\"javascript:{_CALL}\"></iframe>",
    f"\"><script>{_CALL}</script>",
    f"'><script>{_CALL}</script>",
    f"</textarea><script>{_CALL}</script>",
    f"</title><script>{_CALL}</script>",
    f"</style><script>{_CALL}</script>",
    f"<a href=\"javascript:{_CALL}\">click</a>",
    f"<div onmouseover=\"{_CALL}\">hover</div>",
    f"<input autofocus onfocus=\"{_CALL}\">",
    f"<details open ontoggle=\"{_CALL}\">",
    f"<marquee onstart=\"{_CALL}\">",
    f"<video><source onerror=\"{_CALL}\"></video>",
    f"<audio src=x onerror=\"{_CALL}\">",
    f"<object data=\"javascript:{_CALL}\"></object>",
    f"<embed src=\"javascript:{_CALL}\">",
    f"<math><mtext><img src=x onerror=\"{_CALL}\"></mtext></math>",
    f"<svg><script>{_CALL}</script></svg>",
    f"<svg><animate onbegin=\"{_CALL}\" attributeName=x dur=1s>",
    f"<img src=\"x\" onerror=\"{_CALL}\"//",
    f"<scr<script>ipt>{_CALL}</scr</script>ipt>",
    f"<SCRIPT>{_CALL}</SCRIPT>",
    f"<ScRiPt>{_CALL}</sCrIpT>",
    f"<script src=\"data:text/javascript,{_CALL}\"></script>",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{_CALL}\">",
    f"<form action=\"javascript:{_CALL}\"><button>go</button></form>",
    f"<button formaction=\"javascript:{_CALL}\">go</button>",
    f"<base href=\"javascript:{_CALL}//\">",
    f"<link rel=import href=\"data:text/html,<script>{_CALL}</script>\">",
    f"<table background=\"javascript:{_CALL}\">",
    f"<isindex action=\"javascript:{_CALL}\" type=image>",
    f"<img src=`x` onerror=`{_CALL}`>",
    f"<img/src/onerror={_CALL}>",
    f"<svg/onload={_CALL}>",
    f"<img src=x:alert(1) onerror=eval('{_CALL}')>",
    f"{{{{constructor.constructor('{_CALL}')()}}}}",
    "{{ config }}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    f"javascript:{_CALL}",
    f"&lt;script&gt;{_CALL}&lt;/script&gt;",
    f"&#60;script&#62;{_CALL}&#60;/script&#62;",
    f"\\u003cscript\\u003e{_CALL}\\u003c/script\\u003e",
    f"<style>@import 'javascript:{_CALL}';</style>",
    f"<div style=\"background:url(javascript:{_CALL})\">",
    f"<noscript><p title=\"</noscript><img src=x onerror={_CALL}>\">",
    f"<template><script>{_CALL}</script></template>",
    f"\u202e<script>{_CALL}</script> \U0001f600 日本語 العربية",
)

assert len(PAYLOADS) == 50


def payload(i: int) -> str:
    """The i-th payload, cycling, for filling many fields with different ones."""
    return PAYLOADS[i % len(PAYLOADS)]

#: What a spreadsheet would run if a cell started with it (the CSV must neutralise each).
FORMULAS: tuple[str, ...] = (
    "=HYPERLINK(\"http://example.com\",\"x\")",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    ";=1+1",
    "\t=1+1",
    " =1+1",
)
