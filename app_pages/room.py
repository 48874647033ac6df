import streamlit as st

st.title("room")
