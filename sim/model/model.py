"""Placeholder: the Mesa model is being written."""


class RolloutModel:  # pragma: no cover - replaced by the real model
    def __init__(self, scenario=None, seed=None):
        raise NotImplementedError
