"""Data: upload, validate, map columns, preview, publish, versions (for analysts)."""
import streamlit as st

import auth

if not auth.is_analyst():
    st.error("Deze pagina is alleen voor analisten.")
    st.stop()
st.title("Data")
st.write("Hier komt het inlezen van nieuwe gegevens.")
