"""The floor: the smallest Streamlit app with the project's kinds of update, measured beside it by bench_latency.py.

Home (one metric), Train (a button), Evaluate (one slider → two metrics) and Chart (one slider → a metric and one
plotly chart whose threshold line moves). Whatever a Streamlit page does, it cannot answer faster than this on the
same machine, so benchmarks report the project's times as ratios to these.
"""

import streamlit as st

pages = [
    st.Page("pages/home.py", title="Home", default=True),
    st.Page("pages/train.py", title="Train"),
    st.Page("pages/evaluate.py", title="Evaluate"),
    st.Page("pages/chart.py", title="Chart"),
]
st.navigation(pages).run()
