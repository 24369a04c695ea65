"""Draw page for the digits: draw a digit on a small canvas and see its 8×8 image, its reconstruction and its score."""

from __future__ import annotations

import streamlit as st

from anomaly_core import Dataset
from anomaly_core.digit_drawing import digit_from_image
from ui.current_model import ActiveModel
from ui.dataset_figures import image_pairs_figure
from ui.draw.scoring import render_headline, score_beat, test_histogram
from ui.fast_chart import show_chart
from ui.figures import histogram_with_score

PAD_SIZE = 224  # pixels: big enough for a finger, small enough for a phone
PAD_KEY_PREFIX = "draw_digit_pad_"
PAD_ROUND_KEY = "draw_digit_pad_round"


def _clear_pad() -> None:
    st.session_state[PAD_ROUND_KEY] = st.session_state.get(PAD_ROUND_KEY, 0) + 1


def render_digit_pad(current: ActiveModel, dataset: Dataset, threshold: float) -> None:
    """A square canvas; the drawing becomes an image like the dataset's, scored by the current model."""
    from streamlit_drawable_canvas import st_canvas  # needs a running Streamlit app, so imported here

    normal = ", ".join(str(c) for c in dataset.normal_classes)
    st.caption(f"Draw one digit, large and in the middle. The model learned the digit {normal}: draw it, then another.")
    round_number = st.session_state.setdefault(PAD_ROUND_KEY, 0)
    with st.container(key="draw_digit_pad"):
        result = st_canvas(
            stroke_width=22, stroke_color="#000000", background_color="#ffffff", height=PAD_SIZE, width=PAD_SIZE,
            drawing_mode="freedraw", return_image_data=True, key=f"{PAD_KEY_PREFIX}{round_number}",
        )  # fmt: skip
    st.button("Clear the canvas", key="draw_digit_clear", on_click=_clear_pad, icon=":material/delete:")
    image = digit_from_image(getattr(result, "image_data", None), dataset.input_shape)  # type: ignore[arg-type]
    if image is None:
        st.info("The canvas is empty: draw a digit on it to see how the model scores it.")
        return
    scored = score_beat(current, image.reshape(-1))
    render_headline(scored, threshold, key="draw_digit")
    pair = image_pairs_figure(
        image[None],
        scored.reconstruction.reshape(1, *dataset.input_shape),
        ["your digit"],
        title="What the model sees and rebuilds",
    )
    left, right = st.columns(2)
    left.plotly_chart(pair, key="draw_digit_images")
    histogram = histogram_with_score(test_histogram(current), threshold, scored.score, noun="digit")
    show_chart(histogram, key="draw_digit_histogram", target=right)
