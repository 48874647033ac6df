"""App-wide styles that make Streamlit's widgets meet WCAG 2.2 AA in both themes (see docs/accessibility.md).

Not a page (the leading underscore keeps it out of navigation and the smoke test). The router adds these
styles on every run; colours stay in .streamlit/config.toml, so every rule here is theme-agnostic.
"""

from __future__ import annotations

import streamlit as st

# 1. Streamlit writes a selected segmented-control option in the primary colour. The dark theme's primary is
#    dark enough for the white labels Streamlit puts on primary buttons, so it is too dark for text: the
#    label keeps the text colour, and the primary border and tint still mark the selection.
# 2. Keyboard focus: Streamlit marks a focused radio option or checkbox with a faint tint (about 1.2:1), a
#    text field with a 1 px border in the primary colour, and other controls with a half-transparent ring in
#    the primary colour (about 2.3:1 light, 1.9:1 dark). A 2 px ring in the text colour stands out on either
#    background; on a primary button it is an inner ring in the button's white label colour. Chromium also
#    stops Tab on the scrolling main area, which Streamlit leaves without any focus indicator.
STYLES = """<style>
.stApp button[data-variant="segmented_control"][data-selected] { color: inherit !important; }
.stApp label[data-focus-visible="true"],
.stApp :is([data-testid="stTextInputRootElement"], [data-testid="stTextAreaRootElement"]):focus-within,
.stApp :is(a, button, summary):focus-visible:not([kind^="primary"]) {
  outline: 2px solid currentColor !important;
  outline-offset: 2px;
}
.stApp [data-testid="stMain"]:focus-visible { outline: 2px solid currentColor; outline-offset: -2px; }
.stApp button[kind^="primary"]:focus-visible { outline: 2px solid currentColor !important; outline-offset: -5px; }
</style>"""


def accessible_styles() -> None:
    st.html(STYLES)
