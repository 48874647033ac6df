"""Benchmarks and load tests that drive the real server over Streamlit's websocket protocol."""
