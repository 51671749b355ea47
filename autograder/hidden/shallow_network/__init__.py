"""Hidden checks of ``03_shallow_network``: fresh random inputs of random shapes.

Caches given to ``backward_propagation`` come from a real forward pass of the reference, and
its gradients are also compared with numerical derivatives of the reference cost. Random
initialisation and training are judged without depending on the order of the student's random
calls: shapes, statistics, zero biases, broken symmetry, reproducibility for a fixed seed, and
accuracy on a task the reference solves with a wide margin.

``nn_model`` is also run twice with the same seed, for 1 and for 3 iterations: the difference
must be exactly two steps of the reference's gradient descent from the student's own
parameters, which checks the activation and learning rate without knowing the student's
random draws.

One module per part of the notebook: :mod:`.activations`, :mod:`.initialization`,
:mod:`.propagation` (forward, cost, backward), :mod:`.training` (update, predict, ``nn_model``);
:mod:`.networks` draws the random networks they share.

Some checks judge a *group* of cases together (two calls with the same seed must agree; the
better of two training runs must reach a threshold; the steps above). The cases of a group share one
``context["group"]`` dict, so the cases of one check must be judged in order, in one process.
"""

from autograder.hidden.shallow_network.activations import activation_backward, activation_forward
from autograder.hidden.shallow_network.initialization import initialize_parameters, layer_sizes
from autograder.hidden.shallow_network.propagation import (
    backward_propagation,
    compute_cost,
    forward_propagation,
)
from autograder.hidden.shallow_network.training import nn_model, predict, update_parameters

__all__ = [
    "activation_backward",
    "activation_forward",
    "backward_propagation",
    "compute_cost",
    "forward_propagation",
    "initialize_parameters",
    "layer_sizes",
    "nn_model",
    "predict",
    "update_parameters",
]
