"""Floor Chart: one slider → a metric and one plotly chart (a 200-point curve, the threshold as a dashed line);
`?charts=2`: two such charts, both moving (the floor of an update that redraws two charts, as Draw's bend does);
`?charts=5`: five (as an Evaluate threshold move redraws five)."""

import streamlit as st

CURVE_X = [i / 199 for i in range(200)]
CURVE_Y = [x * x for x in CURVE_X]

st.title("Chart")
threshold = st.slider("Threshold", 0.0, 1.0, 0.5, 0.01, key="chart_thr")
st.metric("Precision", f"{threshold:.2f}")
line = dict(type="line", x0=threshold, x1=threshold, y0=0, y1=1, yref="paper", line=dict(dash="dash"))
figure = dict(data=[dict(type="scatter", x=CURVE_X, y=CURVE_Y, mode="lines")], layout=dict(height=360, shapes=[line]))
for number in range(int(st.query_params.get("charts", 1))):
    st.plotly_chart(figure, key=f"floor_chart_{number}" if number else "floor_chart")
