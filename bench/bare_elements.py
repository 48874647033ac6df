"""A bare page the size of one of ours: a title, one button and ?n= plain markdown elements in bordered containers.

The benchmark serves it next to bench/bare_app.py to separate Streamlit's cost per element from our code's cost.
"""

import streamlit as st

st.title("Bare page")
st.button("Press", key="bare_press")
count = int(st.query_params.get("n", "0"))
for index in range(max(count - 2, 0)):
    st.markdown(f"Element **{index}**")
