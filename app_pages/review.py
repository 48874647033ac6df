import streamlit as st

st.title("Review")
st.info("Spaced review arrives soon.")
