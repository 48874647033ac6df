"""The framework's floor: a title and one button, served with the same .streamlit/config.toml as the course."""

import streamlit as st

st.title("Bare page")
st.button("Press", key="bare_press")
