"""What a notebook calls: :func:`shallow_explorer` and :func:`deep_explorer`, each one call
that returns an explorer ready to display."""

from __future__ import annotations

from dataclasses import fields, replace

from utils.explorer.networks import DeepNetwork, ShallowNetwork, _Network
from utils.explorer.settings import Settings, _default_settings, _with_default_noise
from utils.explorer.widget import BoundaryExplorer


def shallow_explorer(
    initialize_parameters,
    forward_propagation,
    backward_propagation,
    update_parameters,
    compute_cost=None,
    **options,
) -> BoundaryExplorer:
    """The explorer on assignment 03's network (one hidden layer), trained with your functions.

    Parameters
    ----------
    initialize_parameters : callable
        ``initialize_parameters(n_x, n_h, n_y, rng) -> parameters``.
    forward_propagation : callable
        ``forward_propagation(X, parameters, activation) -> (A2, cache)``.
    backward_propagation : callable
        ``backward_propagation(parameters, cache, X, Y, activation) -> grads``.
    update_parameters : callable
        ``update_parameters(parameters, grads, learning_rate) -> parameters``.
    compute_cost : callable, optional
        ``compute_cost(A2, Y) -> cost``; without it the curves show the error rate.
    **options
        ``settings``, ``state``, ``hide_controls``, ``grid_size``, ``fps`` of
        :class:`BoundaryExplorer`, or any field of :class:`Settings` (``dataset="moons"``).

    Returns
    -------
    BoundaryExplorer
        Display it (last expression of a cell).
    """
    net = ShallowNetwork(
        initialize_parameters,
        forward_propagation,
        backward_propagation,
        update_parameters,
        compute_cost,
    )
    return _make(net, options)


def deep_explorer(
    initialize_parameters_deep,
    L_model_forward,
    L_model_backward,
    update_parameters,
    compute_cost=None,
    **options,
) -> BoundaryExplorer:
    """The explorer on assignment 04's L-layer network, trained with your functions.

    Parameters
    ----------
    initialize_parameters_deep : callable
        ``initialize_parameters_deep(layer_dims, scale, rng) -> parameters``.
    L_model_forward : callable
        ``L_model_forward(X, parameters, hidden_activation) -> (AL, caches)``.
    L_model_backward : callable
        ``L_model_backward(AL, Y, caches, hidden_activation) -> grads``.
    update_parameters : callable
        ``update_parameters(parameters, grads, learning_rate) -> parameters``.
    compute_cost : callable, optional
        ``compute_cost(AL, Y) -> cost``; without it the curves show the error rate.
    **options
        As for :func:`shallow_explorer`; ``hidden=[]`` gives logistic regression.

    Returns
    -------
    BoundaryExplorer
    """
    net = DeepNetwork(
        initialize_parameters_deep,
        L_model_forward,
        L_model_backward,
        update_parameters,
        compute_cost,
    )
    return _make(net, options)


def _make(net: _Network, options: dict) -> BoundaryExplorer:
    setting_names = {f.name for f in fields(Settings)}
    overrides = {k: options.pop(k) for k in list(options) if k in setting_names}
    settings = options.pop("settings", None) or _default_settings(net.kind)
    if overrides.get("dataset", settings.dataset) != settings.dataset:
        overrides = _with_default_noise(overrides)  # dataset="spiral" opens on clear arms
    if overrides:
        settings = replace(settings, **overrides)
    return BoundaryExplorer(net, settings=settings, **options)
