"""The shared figures: the loss chart's log axis labels every tick in full."""

from ui.figures import log_ticks, loss_figure


def test_log_ticks_are_one_two_five_steps_over_the_losses() -> None:
    assert log_ticks([0.0021, 0.0009, 0.0004]) == [0.0005, 0.001, 0.002]
    assert log_ticks([0.2, 0.03]) == [0.02, 0.05, 0.1, 0.2]
    assert log_ticks([]) == [] and log_ticks([0.0, float("nan")]) == []
    assert len(log_ticks([0.0017, 0.0018])) >= 3  # a flat curve still gets a readable scale


def test_loss_chart_labels_its_log_ticks_as_plain_numbers() -> None:
    figure = loss_figure([1, 2, 3], [0.01, 0.004, 0.002], [0.012, 0.005, 0.0025])
    axis = figure["layout"]["yaxis"]
    assert axis["type"] == "log"
    assert list(axis["ticktext"]) == ["0.002", "0.005", "0.01"]
    assert all(float(text) == value for text, value in zip(axis["ticktext"], axis["tickvals"]))
