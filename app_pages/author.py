import streamlit as st

st.title("author")
