"""Visible checks of ``03_shallow_network``, one module per part of the notebook.

Expected values come from mathematics or from small hand-worked cases written out in the
modules (the forward and backward pass of one tiny network, to full precision). The activation
checks use inputs z = ln(k), where the sigmoid and tanh take exact rational values:
sigmoid(ln k) = k / (k + 1) and tanh(ln k) = (k^2 - 1) / (k^2 + 1).

=========================  =============================================================
:mod:`.activations`        ``activation_forward``, ``activation_backward``
:mod:`.initialization`     ``layer_sizes``, ``initialize_parameters``; parameter checks
:mod:`.propagation`        ``forward_propagation``, ``compute_cost``, ``backward_propagation``
:mod:`.training`           ``update_parameters``, ``predict``, ``nn_model``
:mod:`.tiny_network`       the hand-worked network the propagation checks use
=========================  =============================================================
"""

from utils.visible_checks.shallow_network.activations import (
    check_activation_backward,
    check_activation_forward,
)
from utils.visible_checks.shallow_network.initialization import (
    check_initialize_parameters,
    check_layer_sizes,
)
from utils.visible_checks.shallow_network.propagation import (
    check_backward_propagation,
    check_compute_cost,
    check_forward_propagation,
)
from utils.visible_checks.shallow_network.training import (
    check_nn_model,
    check_predict,
    check_update_parameters,
)

__all__ = [
    "check_activation_backward",
    "check_activation_forward",
    "check_backward_propagation",
    "check_compute_cost",
    "check_forward_propagation",
    "check_initialize_parameters",
    "check_layer_sizes",
    "check_nn_model",
    "check_predict",
    "check_update_parameters",
]
