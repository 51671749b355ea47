"""Visible checks of ``04_deep_network``, one module per part of the notebook.

The inputs are small and written out: a 3-layer network ``[3, 2, 2, 1]`` on ``m = 4`` examples
whose hidden values are halves and whose output pre-activations are multiples of ``ln 3``
(:mod:`.network`, with its forward pass; :mod:`.gradients`, its backward passes). The course's
tests recompute every expected value from the reference.

=========================  =============================================================
:mod:`.initialization`     ``layer_shapes``, ``initialize_parameters_deep``; parameter checks
:mod:`.forward`            ``linear_forward``, ``linear_activation_forward``, ``L_model_forward``
:mod:`.cost`               ``compute_cost``
:mod:`.backward`           ``linear_backward``, ``linear_activation_backward``,
                           ``L_model_backward``
:mod:`.update`             ``update_parameters``
=========================  =============================================================
"""

from utils.visible_checks.deep_network.backward import (
    check_L_model_backward,
    check_linear_activation_backward,
    check_linear_backward,
)
from utils.visible_checks.deep_network.cost import check_compute_cost
from utils.visible_checks.deep_network.forward import (
    check_L_model_forward,
    check_linear_activation_forward,
    check_linear_forward,
)
from utils.visible_checks.deep_network.initialization import (
    check_initialize_parameters_deep,
    check_layer_shapes,
)
from utils.visible_checks.deep_network.update import check_update_parameters

__all__ = [
    "check_L_model_backward",
    "check_L_model_forward",
    "check_compute_cost",
    "check_initialize_parameters_deep",
    "check_layer_shapes",
    "check_linear_activation_backward",
    "check_linear_activation_forward",
    "check_linear_backward",
    "check_linear_forward",
    "check_update_parameters",
]
