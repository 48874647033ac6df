import streamlit as st

st.title("presenter")
