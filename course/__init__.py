"""Pure course logic: content models, loading, scoring, progress and storage. Never imports streamlit."""
