"""Visible checks of ``04_deep_network``.

The inputs are small and written out: a 3-layer network ``[3, 2, 2, 1]`` on ``m = 4`` examples
whose hidden values are halves and whose output pre-activations are multiples of ``ln 3``, so
that with ReLU hidden layers ``AL = [1/10, 243/244, 1/244, 1/2]`` exactly. The expected values
of the other activations and of the backward passes are written out below (worked once from the
notes' formulas, to 12 significant digits); the course's tests recompute every one of them.
"""

from __future__ import annotations

import numpy as np

from utils import checks

ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")
_LN3 = np.log(3.0)

# The visible network: X (3, 4), W1 (2, 3), b1 (2, 1), W2 (2, 2), b2 (2, 1), W3 (1, 2), b3 (1, 1).
_X = np.array([[1.0, 2.0, 0.0, -1.0], [0.0, 1.0, 3.0, 2.0], [2.0, -1.0, 1.0, 0.0]])
_Y = np.array([[0.0, 1.0, 0.0, 1.0]])
_PARAMETERS = {
    "W1": np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]),
    "b1": np.array([[0.5], [-1.5]]),
    "W2": np.array([[1.0, 1.0], [-1.0, 2.0]]),
    "b2": np.array([[-1.0], [0.5]]),
    "W3": _LN3 * np.array([[2.0, -2.0]]),
    "b3": np.array([[_LN3]]),
}
# dZ for linear_backward; dA and a Z with exact zeros (relu'(0) = 1) for linear_activation_backward.
_DZ = np.array([[1.0, -1.0, 2.0, 0.5], [0.5, 1.0, -1.0, 1.0]])
_DA = np.array([[1.0, -1.0, 2.0, 0.5], [0.5, 1.0, -1.0, 2.0]])
_Z_BACKWARD = np.array([[-0.5, 0.0, 2.0, -1.0], [1.0, -2.0, 0.0, 0.5]])

# ---------------------------------------------------------------------------------------------
# Expected values (12 significant digits). Exact ones, by hand: Z1 = W1 X + b1 =
# [[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]; with ReLU, A1 = max(0, Z1), and so on.
# ---------------------------------------------------------------------------------------------
_ACT_FORWARD = {
    "relu": np.array([[0.0, 3.5, 0.0, 0.0], [0.5, 3.5, 1.5, 0.0]]),
    "leaky_relu": np.array([[-0.005, 3.5, -0.005, -0.005], [0.5, 3.5, 1.5, -0.015]]),
    "tanh": np.array(
        [
            [-0.46211715726, 0.998177897611, -0.46211715726, -0.46211715726],
            [0.46211715726, 0.998177897611, 0.905148253645, -0.905148253645],
        ]
    ),
    "sigmoid": np.array(
        [
            [0.377540668798, 0.970687769249, 0.377540668798, 0.377540668798],
            [0.622459331202, 0.970687769249, 0.817574476194, 0.182425523806],
        ]
    ),
}
_FORWARD = {
    "relu": {
        "Z1": np.array([[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]),
        "A1": np.array([[0.0, 3.5, 0.0, 0.0], [0.5, 3.5, 1.5, 0.0]]),
        "Z2": np.array([[-0.5, 6.0, 0.5, -1.0], [1.5, 4.0, 3.5, 0.5]]),
        "A2": np.array([[0.0, 6.0, 0.5, 0.0], [1.5, 4.0, 3.5, 0.5]]),
        "Z3": np.array([[-2.19722457734, 5.49306144334, -5.49306144334, 0.0]]),
        "A3": np.array([[0.1, 0.995901639344, 0.00409836065574, 0.5]]),
    },
    "leaky_relu": {
        "Z1": np.array([[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]),
        "A1": np.array([[-0.005, 3.5, -0.005, -0.005], [0.5, 3.5, 1.5, -0.015]]),
        "Z2": np.array([[-0.505, 6.0, 0.495, -1.02], [1.505, 4.0, 3.505, 0.475]]),
        "A2": np.array([[-0.00505, 6.0, 0.495, -0.0102], [1.505, 4.0, 3.505, 0.475]]),
        "Z3": np.array([[-2.21930668434, 5.49306144334, -5.51503368911, 0.0325189237446]]),
        "A3": np.array([[0.0980300903189, 0.995901639344, 0.00400964969631, 0.508129014593]]),
    },
    "tanh": {
        "Z1": np.array([[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]),
        "A1": np.array(
            [
                [-0.46211715726, 0.998177897611, -0.46211715726, -0.46211715726],
                [0.46211715726, 0.998177897611, 0.905148253645, -0.905148253645],
            ]
        ),
        "Z2": np.array(
            [
                [-1.0, 0.996355795222, -0.556968903615, -2.3672654109],
                [1.88635147178, 1.49817789761, 2.77241366455, -0.84817935003],
            ]
        ),
        "A2": np.array(
            [
                [-0.761594155956, 0.760059430763, -0.505725022672, -0.982579922076],
                [0.955053631782, 0.904818444065, 0.99221518433, -0.69011712325],
            ]
        ),
        "Z3": np.array([[-2.67324842118, 0.78054422685, -2.19269874954, 0.45600583913]]),
        "A3": np.array([[0.064570482531, 0.68579739543, 0.100408062534, 0.612066223517]]),
    },
    "sigmoid": {
        "Z1": np.array([[-0.5, 3.5, -0.5, -0.5], [0.5, 3.5, 1.5, -1.5]]),
        "A1": np.array(
            [
                [0.377540668798, 0.970687769249, 0.377540668798, 0.377540668798],
                [0.622459331202, 0.970687769249, 0.817574476194, 0.182425523806],
            ]
        ),
        "Z2": np.array(
            [
                [0.0, 0.941375538497, 0.195115144992, -0.440033807395],
                [1.36737799361, 1.47068776925, 1.75760828359, 0.487310378815],
            ]
        ),
        "A2": np.array(
            [
                [0.5, 0.719377426025, 0.548624622747, 0.391732913657],
                [0.796956198661, 0.813161901062, 0.852909861493, 0.619472621961],
            ]
        ),
        "Z3": np.array([[0.446132830578, 0.892546735145, 0.430029283575, 0.598217004348]]),
        "A3": np.array([[0.60971938735, 0.709415449574, 0.605880661057, 0.645248279062]]),
    },
}
_LINEAR_BACKWARD = {
    "dA_prev": np.array([[2.0, 1.0, 0.0, 2.5], [0.5, 1.0, -1.0, 1.0], [-1.0, 1.0, -2.0, -0.5]]),
    "dW": np.array([[-0.375, 1.5, 1.25], [0.375, 0.0, -0.25]]),
    "db": np.array([[0.625], [0.375]]),
}
_ACT_BACKWARD = {
    "relu": {
        "dA_prev": np.array([[1.0, -1.0, 0.0, 4.0], [0.5, 0.0, -1.0, 2.0], [0.0, 1.0, -2.0, 0.0]]),
        "dW": np.array([[-0.5, 1.25, 0.75], [-0.375, 0.25, 0.0]]),
        "db": np.array([[0.25], [0.375]]),
    },
    "leaky_relu": {
        "dA_prev": np.array(
            [[1.01, -0.98, 0.0, 4.005], [0.5, 0.01, -1.0, 2.0], [-0.01, 1.0, -2.0, -0.005]]
        ),
        "dW": np.array([[-0.49875, 1.2525, 0.755], [-0.37, 0.2525, -0.0025]]),
        "db": np.array([[0.25375], [0.3775]]),
    },
    "tanh": {
        "dA_prev": np.array(
            [
                [1.20642207458, -0.858698350294, -1.85869835029, 3.35577810267],
                [0.209987170807, 0.0706508248532, -1.0, 1.57289546593],
                [-0.786447732966, 1.0, -0.141301649706, -0.209987170807],
            ]
        ),
        "dW": np.array(
            [
                [-0.35588485946, -0.0390301773167, 0.67854927891],
                [-0.305401661355, 0.0541104391792, -0.16266912081],
            ]
        ),
        "db": np.array([[0.0344341383698], [0.213383365398]]),
    },
    "sigmoid": {
        "dA_prev": np.array(
            [
                [0.431615645443, -0.040012829193, -0.290012829193, 1.03832081543],
                [0.0983059666207, 0.104993585404, -0.25, 0.470007424403],
                [-0.235003712202, 0.25, -0.209987170807, -0.0983059666207],
            ]
        ),
        "dW": np.array(
            [
                [-0.0908255636048, 0.144143361416, 0.232498648803],
                [-0.0404285717439, 0.0737521085525, -0.0395954130405],
            ]
        ),
        "db": np.array([[0.0733242124073], [0.105826744107]]),
    },
}
_ACT_BACKWARD_MISTAKES = {
    "relu": {
        "from_A": np.array([[-0.375, 1.5, 1.25], [0.125, 0.5, -0.25]]),
        "no_derivative": np.array([[-0.375, 1.5, 1.25], [0.125, 0.5, -0.25]]),
        "strict": np.array([[0.0, 1.5, 0.5], [-0.375, 1.0, 0.25]]),
    },
    "leaky_relu": {
        "from_A": np.array([[-0.49875, 1.2525, 0.755], [-0.37, 0.2525, -0.0025]]),
        "no_derivative": np.array([[-0.375, 1.5, 1.25], [0.125, 0.5, -0.25]]),
        "strict": np.array([[-0.00375, 1.5, 0.5075], [-0.37, 0.995, 0.245]]),
    },
    "tanh": {
        "from_A": np.array(
            [
                [-0.370091669961, 0.562028000051, 0.878462118433],
                [-0.111602482984, 0.174387330595, -0.213891447916],
            ]
        ),
        "no_derivative": np.array([[-0.375, 1.5, 1.25], [0.125, 0.5, -0.25]]),
        "a_formula_on_Z": np.array([[-0.3125, -4.75, -0.875], [-1.875, -0.75, 0.5]]),
    },
    "sigmoid": {
        "from_A": np.array(
            [
                [-0.087868805275, 0.313366753475, 0.282978481739],
                [0.0383441948327, 0.113291811455, -0.0661889659017],
            ]
        ),
        "no_derivative": np.array([[-0.375, 1.5, 1.25], [0.125, 0.5, -0.25]]),
        "a_formula_on_Z": np.array([[0.0625, -3.5, -1.375], [-3.125, -1.25, 1.5]]),
    },
}
_GRADS = {
    "relu": {
        "dW3": np.array([[-0.00563524590164, -0.025512295082]]),
        "db3": np.array([[-0.1]]),
        "dA2": np.array(
            [
                [0.219722457734, -0.00900501875957, 0.00900501875957, -1.09861228867],
                [-0.219722457734, 0.00900501875957, -0.00900501875957, 1.09861228867],
            ]
        ),
        "dW2": np.array(
            [[-0.00787939141463, -0.00450250937979], [0.00787939141463, -0.0229627978369]]
        ),
        "db2": np.array([[-3.25260651746e-17], [0.219722457734]]),
        "dA1": np.array(
            [
                [0.219722457734, -0.0180100375191, 0.0180100375191, -1.09861228867],
                [-0.439444915467, 0.00900501875957, -0.00900501875957, 2.19722457734],
            ]
        ),
        "dW1": np.array(
            [
                [-0.00900501875957, -0.00450250937979, 0.00450250937979],
                [-0.105358719487, -0.00450250937979, -0.224224967113],
            ]
        ),
        "db1": np.array([[-0.00450250937979], [-0.109861228867]]),
        "dA0": np.array(
            [
                [-0.878889830934, 0.0, -0.0180100375191, 0.0],
                [-0.439444915467, 0.00900501875957, -0.00900501875957, 0.0],
                [0.0, 0.0180100375191, 0.0, 0.0],
            ]
        ),
    },
    "leaky_relu": {
        "dW3": np.array([[-0.00452083880993, -0.022110763144]]),
        "db3": np.array([[-0.098482401512]]),
        "dA2": np.array(
            [
                [0.215394123767, -0.00900501875957, 0.00881010085924, -1.08075101802],
                [-0.215394123767, 0.00900501875957, -0.00881010085924, 1.08075101802],
            ]
        ),
        "dW2": np.array(
            [[-0.00787958707952, -0.00426583277453], [0.00680870792289, -0.026401478196]]
        ),
        "db2": np.array([[-0.00221212171071], [0.216387953037]]),
        "dA1": np.array(
            [
                [0.217548065005, -0.0180100375191, 0.0176202017185, -1.0915585282],
                [-0.428634306297, 0.00900501875957, -0.00881010085924, 2.15069452585],
            ]
        ),
        "dW1": np.array(
            [
                [-0.00573225227657, -0.00982815050788, 0.00563430020911],
                [-0.108032803509, 0.00639715167472, -0.218770933053],
            ]
        ),
        "db1": np.array([[-0.00664348503347], [-0.101733110784]]),
        "dA0": np.array(
            [
                [-0.855093131943, 0.0, -0.0174439997013, 0.0320983052351],
                [-0.428634306297, 0.00900501875957, -0.00881010085924, 0.0215069452585],
                [-0.00217548065005, 0.0180100375191, -0.000176202017185, 0.010915585282],
            ]
        ),
    },
    "tanh": {
        "dW3": np.array([[0.0106019788124, 0.036179527043]]),
        "db3": np.array([[-0.134289458997]]),
        "dA2": np.array(
            [
                [0.141875851188, -0.690373685024, 0.220619062762, -0.852377628068],
                [-0.141875851188, 0.690373685024, -0.220619062762, 0.852377628068],
            ]
        ),
        "dW2": np.array(
            [[-0.0952070137769, -0.0220548478023], [-0.0185045301119, -0.0719994925933]]
        ),
        "db2": np.array([[-0.0243028877184], [0.138925374789]]),
        "dA1": np.array(
            [
                [0.0720512114991, -0.416718700271, 0.167615604169, -0.475861165427],
                [0.034650228582, -0.0412170315816, 0.157350842513, 0.863407407925],
            ]
        ),
        "dW1": np.array(
            [
                [0.1069674993, -0.0886335896341, 0.0616667901347],
                [-0.0322682474784, 0.0992999651506, 0.0207713989433],
            ]
        ),
        "db1": np.array([[-0.0468179339139], [0.0528895799612]]),
        "dA0": np.array(
            [
                [0.111165699371, -0.00181735766958, 0.188689595673, -0.0621930333406],
                [0.0272505937151, -0.000150066460509, 0.0284343418823, 0.156023450708],
                [-0.0566645119409, 0.00151722474856, -0.131820911908, 0.374239934756],
            ]
        ),
    },
    "sigmoid": {
        "dW3": np.array([[0.0723132128952, 0.136657492934]]),
        "db3": np.array([[0.142565944261]]),
        "dA2": np.array(
            [
                [1.33969042316, -0.63847951599, 1.33125587941, -0.779469200098],
                [-1.33969042316, 0.63847951599, -1.33125587941, 0.779469200098],
            ]
        ),
        "dW2": np.array([[0.0139186346619, 0.0797516358627], [0.00465786244173, -0.0359512294193]]),
        "db2": np.array([[0.0874915861763], [-0.0257628956805]]),
        "dA1": np.array(
            [
                [0.551707312534, -0.225896075891, 0.496678623107, -0.369471932323],
                [-0.0986468076949, 0.0651157819677, -0.00435801689808, 0.181752221887],
            ]
        ),
        "dW1": np.array(
            [
                [0.0509064223153, 0.0425204957155, 0.0956138199078],
                [-0.0116461458142, 0.0135295476812, -0.012216863917],
            ]
        ),
        "db1": np.array([[0.0382799711509], [0.0012820227965]]),
        "dA0": np.array(
            [
                [0.0832885344839, -0.00272194464311, 0.115421354684, -0.0326118775496],
                [-0.0231823660051, 0.00185274089927, -0.000649982758411, 0.0271076990503],
                [-0.129653266494, 0.00642742644165, -0.116721320201, 0.0868272756502],
            ]
        ),
    },
}
_DW3_OUTPUT_HIDDEN = {
    "relu": np.array([[-1.50617283951, -1.25411522634]]),
    "leaky_relu": np.array([[-1.49992594419, -1.22484651575]]),
    "tanh": np.array([[0.15862874153, 0.0595649177968]]),
    "sigmoid": np.array([[0.0723132128952, 0.136657492934]]),
}
_DW2_FROM_A = {
    "relu": np.array([[-0.00787939141463, 0.0229627978369], [0.00787939141463, -0.0229627978369]]),
    "leaky_relu": np.array(
        [[-0.00787958707952, -0.00426583277453], [0.00680870792289, -0.026401478196]]
    ),
    "tanh": np.array([[-0.0885781267383, 0.0303935322804], [0.0382514753417, -0.0691669700372]]),
    "sigmoid": np.array(
        [[0.00704713843749, 0.0694639705253], [-0.00369487579231, -0.0605958914207]]
    ),
}


def _copy(value):
    """A deep copy of nested tuples, lists, dicts and arrays (each check gets fresh inputs)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_copy(v) for v in value)
    return value


def _expect_items(name, var, value, item_names):
    """Check that ``value`` is a tuple with one item per name (a cache, for example)."""
    checks.expect_type(name, var, value, tuple)
    checks.expect_equal(
        name,
        f"the number of items in {var} ({', '.join(item_names)})",
        len(value),
        len(item_names),
    )


def _check_linear_cache(name, var, linear_cache, A_prev, W, b, where=""):
    """``linear_cache`` must be ``(A_prev, W, b)``: the inputs of the linear step."""
    _expect_items(name, var, linear_cache, ("A_prev", "W", "b"))
    for item, value, expected in zip(
        ("A_prev", "W", "b"), linear_cache, (A_prev, W, b), strict=True
    ):
        checks.expect_shape(name, f"{var}[{item}]", value, expected.shape)
        checks.expect_close(name, f"{var}[{item}]", value, expected, where=where)


# ---------------------------------------------------------------------------------------------
# layer_shapes
# ---------------------------------------------------------------------------------------------
def check_layer_shapes(layer_shapes):
    """Check ``layer_shapes`` on a 3-layer and a 1-layer network, against hand-written shapes."""
    name = "layer_shapes"
    cases = [
        (
            [5, 4, 3, 1],
            7,
            {
                "A0": (5, 7),
                "W1": (4, 5),
                "b1": (4, 1),
                "Z1": (4, 7),
                "A1": (4, 7),
                "W2": (3, 4),
                "b2": (3, 1),
                "Z2": (3, 7),
                "A2": (3, 7),
                "W3": (1, 3),
                "b3": (1, 1),
                "Z3": (1, 7),
                "A3": (1, 7),
            },
        ),
        ([2, 1], 3, {"A0": (2, 3), "W1": (1, 2), "b1": (1, 1), "Z1": (1, 3), "A1": (1, 3)}),
    ]
    for layer_dims, m, expected in cases:
        where = f"for layer_dims={layer_dims}, m={m}"
        run = checks.call(layer_shapes, list(layer_dims), m)
        checks.expect_keys(name, "shapes", run.output, expected)
        checks.expect_unchanged(run)
        for key, shape in expected.items():
            mistakes = {}
            if key.startswith("W"):
                mistakes["a transposed weight shape (n[l-1], n[l]) instead of (n[l], n[l-1])"] = (
                    shape[::-1]
                )
            elif key.startswith("b"):
                mistakes["a rank-1 bias shape (n[l],) instead of the column (n[l], 1)"] = shape[:1]
            else:
                mistakes[
                    "(m, n[l]), one example per row (the course puts one example per column)"
                ] = shape[::-1]
            checks.expect_equal(
                name, f"shapes['{key}']", run.output[key], shape, mistakes=mistakes, where=where
            )
    checks.all_passed(name)


# ---------------------------------------------------------------------------------------------
# initialize_parameters_deep
# ---------------------------------------------------------------------------------------------
_INIT_DIMS = [400, 200, 100, 1]


def _scale_mistakes(scale, n_prev, n):
    """The standard deviation each known initialisation mistake gives, for one layer."""
    he, xavier = np.sqrt(2 / n_prev), np.sqrt(1 / n_prev)
    uniform = "rng.random (uniform on [0, 1)) instead of standard-normal draws"
    if scale == "he":
        return {
            "Xavier's 1/sqrt(n[l-1]) instead of He's sqrt(2/n[l-1])": xavier,
            "sqrt(2/n[l]) (the layer's own size; He uses the previous layer's n[l-1])": np.sqrt(
                2 / n
            ),
            "2/n[l-1] without the square root": 2 / n_prev,
            "the default 0.01 (the scale argument was ignored)": 0.01,
            uniform: he / np.sqrt(12),
        }
    if scale == "xavier":
        return {
            "He's sqrt(2/n[l-1]) instead of Xavier's 1/sqrt(n[l-1])": he,
            "1/sqrt(n[l]) (the layer's own size; Xavier uses the previous layer's n[l-1])": (
                np.sqrt(1 / n)
            ),
            "1/n[l-1] without the square root": 1 / n_prev,
            "the default 0.01 (the scale argument was ignored)": 0.01,
            uniform: xavier / np.sqrt(12),
        }
    return {
        "He's sqrt(2/n[l-1]) instead of the number given as scale": he,
        "Xavier's 1/sqrt(n[l-1]) instead of the number given as scale": xavier,
        "the default 0.01 (the scale argument was ignored)": 0.01,
        uniform: scale / np.sqrt(12),
    }


def _check_parameters_structure(name, parameters, layer_dims, where):
    """Keys, then the shape of every W[l] and b[l]."""
    L = len(layer_dims) - 1
    keys = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]  # noqa: E741
    checks.expect_keys(name, "parameters", parameters, keys)
    for l in range(1, L + 1):  # noqa: E741
        checks.expect_shape(name, f"W{l}", parameters[f"W{l}"], (layer_dims[l], layer_dims[l - 1]))
        checks.expect_shape(
            name,
            f"b{l}",
            parameters[f"b{l}"],
            (layer_dims[l], 1),
            rank1_hint="np.zeros(n) instead of np.zeros((n, 1))",
        )


def check_initialize_parameters_deep(initialize_parameters_deep):
    """Check keys, shapes, zero biases, broken symmetry and the spread of every W[l].

    The drawn numbers themselves are never compared (they depend on the order of random
    calls); their standard deviation is, on layers large enough to measure it.
    """
    name = "initialize_parameters_deep"
    layer_dims = list(_INIT_DIMS)
    cases = [
        ("he", {"scale": "he"}),
        ("xavier", {"scale": "xavier"}),
        (0.01, {}),
        (0.5, {"scale": 0.5}),
    ]
    for scale, kwargs in cases:
        where = f"for layer_dims={layer_dims}, scale={scale!r}"
        run = checks.call(
            initialize_parameters_deep, list(layer_dims), rng=np.random.default_rng(1), **kwargs
        )
        parameters = run.output
        _check_parameters_structure(name, parameters, layer_dims, where)
        checks.expect_own_rng(run, where=where)
        checks.expect_unchanged(run)
        for l in range(1, len(layer_dims)):  # noqa: E741
            n_prev, n = layer_dims[l - 1], layer_dims[l]
            b = parameters[f"b{l}"]
            checks.expect_close(name, f"b{l}", b, np.zeros((n, 1)), where=where)
            checks.expect_distinct_rows(name, f"W{l}", parameters[f"W{l}"], where=where)
            if scale == "he":
                expected_std = np.sqrt(2 / n_prev)
            elif scale == "xavier":
                expected_std = np.sqrt(1 / n_prev)
            else:
                expected_std = scale
            checks.expect_std(
                name,
                f"W{l}",
                parameters[f"W{l}"],
                expected_std,
                mistakes=_scale_mistakes(scale, n_prev, n),
                where=where,
            )

    # The numbers come from rng: two generators seeded alike give the same parameters.
    where = "for layer_dims=[6, 4, 3], scale='he', rng=np.random.default_rng(7)"
    runs = [
        checks.call(
            initialize_parameters_deep,
            [6, 4, 3],
            scale="he",
            rng=np.random.default_rng(seed),
            where=where,
        )
        for seed in (7, 7, 8)
    ]
    for run in runs:
        _check_parameters_structure(name, run.output, [6, 4, 3], where)
    for key in ("W1", "W2"):
        checks.expect_reproducible(name, key, runs[0].output[key], runs[1].output[key], where=where)
        checks.expect_seed_matters(
            name, key, runs[0].output[key], runs[2].output[key], where="for seeds 7 and 8"
        )
    # rng=None (the default) must work too.
    run = checks.call(initialize_parameters_deep, [3, 2, 1])
    _check_parameters_structure(name, run.output, [3, 2, 1], "")
    checks.expect_own_rng(run, where="with the default rng=None")
    checks.all_passed(name)


# ---------------------------------------------------------------------------------------------
# Forward
# ---------------------------------------------------------------------------------------------
def check_linear_forward(linear_forward):
    """Check ``linear_forward`` on the first layer of the visible network (Z1 worked by hand)."""
    name = "linear_forward"
    A_prev, W, b = _X.copy(), _PARAMETERS["W1"].copy(), _PARAMETERS["b1"].copy()
    run = checks.call(linear_forward, A_prev, W, b)
    Z, linear_cache = checks.expect_tuple(name, run.output, ("Z", "linear_cache"))
    checks.expect_shape(name, "Z", Z, (2, 4))
    checks.expect_unchanged(run)
    expected = _FORWARD["relu"]["Z1"]
    checks.expect_close(
        name,
        "Z",
        Z,
        expected,
        mistakes={
            "the bias not added (Z = W A_prev)": expected - _PARAMETERS["b1"],
            "the bias subtracted": expected - 2 * _PARAMETERS["b1"],
        },
    )
    _check_linear_cache(
        name, "linear_cache", linear_cache, _X, _PARAMETERS["W1"], _PARAMETERS["b1"]
    )
    checks.all_passed(name)


_ACTIVATION_FORWARD_MISTAKES = {
    "relu": {"leaky ReLU instead of ReLU": "leaky_relu", "tanh instead of ReLU": "tanh"},
    "leaky_relu": {"ReLU (slope 0) instead of leaky ReLU (slope 0.01 for z < 0)": "relu"},
    "tanh": {"the sigmoid instead of tanh": "sigmoid", "ReLU instead of tanh": "relu"},
    "sigmoid": {"tanh instead of the sigmoid": "tanh", "ReLU instead of the sigmoid": "relu"},
}


def check_linear_activation_forward(linear_activation_forward):
    """Check ``linear_activation_forward`` with every activation on the first visible layer."""
    name = "linear_activation_forward"
    Z1 = _FORWARD["relu"]["Z1"]
    for activation in ACTIVATIONS:
        where = f'with activation="{activation}"'
        A_prev, W, b = _X.copy(), _PARAMETERS["W1"].copy(), _PARAMETERS["b1"].copy()
        run = checks.call(linear_activation_forward, A_prev, W, b, activation, where=where)
        A, cache = checks.expect_tuple(name, run.output, ("A", "cache"))
        checks.expect_shape(name, "A", A, (2, 4))
        _expect_items(name, "cache", cache, ("linear_cache", "Z"))
        checks.expect_shape(name, "cache[Z]", cache[1], (2, 4))
        checks.expect_unchanged(run)
        expected = _ACT_FORWARD[activation]
        mistakes = {"Z itself (no activation applied)": Z1}
        for mistake, other in _ACTIVATION_FORWARD_MISTAKES[activation].items():
            mistakes[mistake] = _ACT_FORWARD[other]
        checks.expect_close(name, "A", A, expected, mistakes=mistakes, where=where)
        checks.expect_close(
            name,
            "cache[Z]",
            cache[1],
            Z1,
            mistakes={"A instead of Z (the backward pass needs Z to compute g'(Z))": expected},
            where=where,
        )
        _check_linear_cache(
            name, "cache[linear_cache]", cache[0], _X, _PARAMETERS["W1"], _PARAMETERS["b1"], where
        )
    checks.all_passed(name)


def _visible_caches(activation):
    """The caches of the visible network's forward pass with this hidden activation."""
    values = _FORWARD[activation]
    A_prevs = [_X, values["A1"], values["A2"]]
    return [
        (
            (A_prevs[l - 1].copy(), _PARAMETERS[f"W{l}"].copy(), _PARAMETERS[f"b{l}"].copy()),
            values[f"Z{l}"].copy(),
        )
        for l in (1, 2, 3)  # noqa: E741
    ]


def check_L_model_forward(L_model_forward):
    """Check ``L_model_forward`` on the visible 3-layer network with every hidden activation."""
    name = "L_model_forward"
    for activation in ACTIVATIONS:
        where = f'with hidden_activation="{activation}"'
        kwargs = {} if activation == "relu" else {"hidden_activation": activation}
        if activation == "relu":
            where += " (the default)"
        run = checks.call(L_model_forward, _X.copy(), _copy(_PARAMETERS), where=where, **kwargs)
        AL, caches = checks.expect_tuple(name, run.output, ("AL", "caches"))
        checks.expect_shape(name, "AL", AL, (1, 4))
        checks.expect_type(name, "caches", caches, list)
        checks.expect_equal(
            name,
            "len(caches)",
            len(caches),
            3,
            mistakes={"a missing cache (one cache per layer, the output layer's too)": 2},
            where=where,
        )
        for l, cache in enumerate(caches, start=1):  # noqa: E741
            _expect_items(name, f"caches[{l - 1}]", cache, ("linear_cache", "Z"))
            checks.expect_shape(
                name, f"caches[{l - 1}][Z]", cache[1], _FORWARD[activation][f"Z{l}"].shape
            )
        checks.expect_unchanged(run)
        values = _FORWARD[activation]
        Z3 = values["Z3"]
        mistakes = {
            "ReLU at the output layer (the output layer uses the sigmoid)": np.maximum(0, Z3),
            "the output layer's Z (no sigmoid applied)": Z3,
        }
        if activation != "sigmoid":
            mistakes["the sigmoid at every layer (hidden_activation ignored)"] = _FORWARD[
                "sigmoid"
            ]["A3"]
        if activation != "relu":
            mistakes["ReLU in the hidden layers (hidden_activation ignored)"] = _FORWARD["relu"][
                "A3"
            ]
        checks.expect_close(name, "AL", AL, values["A3"], mistakes=mistakes, where=where)
        for l, cache in zip((1, 2, 3), _visible_caches(activation), strict=True):  # noqa: E741
            checks.expect_close(
                name,
                f"caches[{l - 1}][Z] (Z{l})",
                caches[l - 1][1],
                cache[1],
                mistakes={f"A{l} instead of Z{l}": values[f"A{l}"]},
                where=where,
            )
            _check_linear_cache(
                name, f"caches[{l - 1}][linear_cache]", caches[l - 1][0], *cache[0], where
            )
    checks.all_passed(name)


# ---------------------------------------------------------------------------------------------
# Cost
# ---------------------------------------------------------------------------------------------
def check_compute_cost(compute_cost):
    """Check ``compute_cost`` where the losses are logs of simple numbers, and at saturation."""
    name = "compute_cost"
    AL = np.array([[0.5, 0.75, 0.25, 0.9]])
    Y = np.array([[1.0, 1.0, 0.0, 0.0]])
    # Losses: -log(0.5) = ln 2, -log(0.75) = ln(4/3) twice, -log(1 - 0.9) = ln 10.
    expected = (np.log(2) + 2 * np.log(4 / 3) + np.log(10)) / 4
    run = checks.call(compute_cost, AL.copy(), Y.copy())
    cost = checks.expect_scalar(name, "cost", run.output)
    checks.expect_unchanged(run)
    checks.expect_close(
        name,
        "cost",
        cost,
        expected,
        mistakes={
            "a missing 1/m (the sum of the losses instead of their mean)": 4 * expected,
            "a missing minus sign": -expected,
            "only the Y log(AL) term (the (1 - Y) log(1 - AL) term is missing)": (
                np.log(2) + np.log(4 / 3)
            )
            / 4,
            "log10 instead of the natural log": expected / np.log(10),
        },
    )
    # Saturated outputs: AL exactly 1 or 0. A right answer costs (almost) nothing; a wrong one
    # costs a lot, but never NaN or inf.
    hint = (
        "log(0) (or 0 * log(0)) when AL is exactly 0 or 1: clip AL into [eps, 1 - eps] "
        "with np.clip, for example eps = 1e-15, before taking logs"
    )
    where = "on saturated outputs AL = [[1.0, 0.0, 0.5]], Y = [[1, 0, 1]]"
    run = checks.call(compute_cost, np.array([[1.0, 0.0, 0.5]]), np.array([[1.0, 0.0, 1.0]]))
    cost = checks.expect_scalar(name, "cost", run.output)
    checks.expect_finite(name, "cost", cost, hint=hint, where=where)
    checks.expect_close(name, "cost", cost, np.log(2) / 3, rtol=1e-5, where=where)
    where = "on confidently wrong outputs AL = [[0.0, 1.0]], Y = [[1, 0]]"
    run = checks.call(compute_cost, np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
    cost = checks.expect_scalar(name, "cost", run.output)
    checks.expect_finite(name, "cost", cost, hint=hint, where=where)
    checks.all_passed(name)


# ---------------------------------------------------------------------------------------------
# Backward
# ---------------------------------------------------------------------------------------------
def _expect_gradient_shapes(name, dA_prev, dW, db, n_prev, n, m):
    checks.expect_shape(name, "dA_prev", dA_prev, (n_prev, m))
    checks.expect_shape(name, "dW", dW, (n, n_prev))
    checks.expect_shape(
        name, "db", db, (n, 1), rank1_hint="np.sum(dZ, axis=1) without keepdims=True"
    )


def check_linear_backward(linear_backward):
    """Check ``linear_backward`` on the first visible layer (values in quarters, by hand)."""
    name = "linear_backward"
    linear_cache = (_X.copy(), _PARAMETERS["W1"].copy(), _PARAMETERS["b1"].copy())
    run = checks.call(linear_backward, _DZ.copy(), linear_cache)
    dA_prev, dW, db = checks.expect_tuple(name, run.output, ("dA_prev", "dW", "db"))
    _expect_gradient_shapes(name, dA_prev, dW, db, 3, 2, 4)
    checks.expect_unchanged(run)
    expected = _LINEAR_BACKWARD
    checks.expect_close(
        name, "dW", dW, expected["dW"], mistakes={"a missing 1/m": 4 * expected["dW"]}
    )
    checks.expect_close(
        name, "db", db, expected["db"], mistakes={"a missing 1/m": 4 * expected["db"]}
    )
    checks.expect_close(
        name,
        "dA_prev",
        dA_prev,
        expected["dA_prev"],
        mistakes={
            "a 1/m in dA_prev (only dW and db average over the examples)": expected["dA_prev"] / 4
        },
    )
    checks.all_passed(name)


_DERIVATIVE_MISTAKES = {
    "relu": {
        "from_A": "the derivative taken from A = relu(Z) instead of from Z, or no derivative "
        "at all (relu'(A) is 1 everywhere since A >= 0)",
        "strict": "relu'(0) = 0 (the notes take relu'(z) = 1 for z >= 0: use Z >= 0)",
    },
    "leaky_relu": {
        "no_derivative": "no derivative (dZ = dA)",
        "strict": "leaky_relu'(0) = 0.01 (the notes take 1 for z >= 0: use Z >= 0)",
    },
    "tanh": {
        "from_A": "the derivative taken from A = tanh(Z) instead of from Z",
        "a_formula_on_Z": "1 - Z**2 (the formula 1 - a**2 needs a = tanh(Z), not Z)",
        "no_derivative": "no derivative (dZ = dA)",
    },
    "sigmoid": {
        "from_A": "the derivative taken from A = sigmoid(Z) instead of from Z",
        "a_formula_on_Z": "Z * (1 - Z) (the formula a(1 - a) needs a = sigmoid(Z), not Z)",
        "no_derivative": "no derivative (dZ = dA)",
    },
}


def check_linear_activation_backward(linear_activation_backward):
    """Check ``linear_activation_backward`` with every activation; Z has exact zeros."""
    name = "linear_activation_backward"
    for activation in ACTIVATIONS:
        where = f'with activation="{activation}"'
        cache = (
            (_X.copy(), _PARAMETERS["W1"].copy(), _PARAMETERS["b1"].copy()),
            _Z_BACKWARD.copy(),
        )
        run = checks.call(linear_activation_backward, _DA.copy(), cache, activation, where=where)
        dA_prev, dW, db = checks.expect_tuple(name, run.output, ("dA_prev", "dW", "db"))
        _expect_gradient_shapes(name, dA_prev, dW, db, 3, 2, 4)
        checks.expect_unchanged(run)
        expected = _ACT_BACKWARD[activation]
        wrong = _ACT_BACKWARD_MISTAKES[activation]
        mistakes = {text: wrong[key] for key, text in _DERIVATIVE_MISTAKES[activation].items()}
        checks.expect_close(name, "dW", dW, expected["dW"], mistakes=mistakes, where=where)
        checks.expect_close(name, "db", db, expected["db"], where=where)
        checks.expect_close(name, "dA_prev", dA_prev, expected["dA_prev"], where=where)
    checks.all_passed(name)


_GRAD_ORDER = ("dW3", "db3", "dA2", "dW2", "db2", "dA1", "dW1", "db1", "dA0")


def check_L_model_backward(L_model_backward):
    """Check ``L_model_backward`` on the visible network's caches, every hidden activation."""
    name = "L_model_backward"
    shapes = {
        "dA0": (3, 4),
        "dA1": (2, 4),
        "dA2": (2, 4),
        "dW1": (2, 3),
        "dW2": (2, 2),
        "dW3": (1, 2),
        "db1": (2, 1),
        "db2": (2, 1),
        "db3": (1, 1),
    }
    for activation in ACTIVATIONS:
        where = f'with hidden_activation="{activation}"'
        kwargs = {} if activation == "relu" else {"hidden_activation": activation}
        if activation == "relu":
            where += " (the default)"
        AL = _FORWARD[activation]["A3"].copy()
        run = checks.call(
            L_model_backward, AL, _Y.copy(), _visible_caches(activation), where=where, **kwargs
        )
        grads = run.output
        checks.expect_keys(name, "grads", grads, shapes)
        for key in _GRAD_ORDER:
            hint = "np.sum(dZ, axis=1) without keepdims=True" if key.startswith("db") else ""
            checks.expect_shape(name, key, grads[key], shapes[key], rank1_hint=hint)
        checks.expect_unchanged(run)
        expected = _GRADS[activation]
        for key in _GRAD_ORDER:
            mistakes = {
                "the opposite sign (dAL = -(Y/AL - (1-Y)/(1-AL)) has a minus)": -expected[key]
            }
            if key == "dW3":
                if activation != "sigmoid":
                    mistakes[
                        f"the {activation} derivative at the output layer (the output layer "
                        f"is a sigmoid, so dZ3 = AL - Y)"
                    ] = _DW3_OUTPUT_HIDDEN[activation]
                mistakes["a missing 1/m"] = 4 * expected[key]
            if key == "dW2":
                mistakes[
                    f"the derivative of the hidden layers taken from A = {activation}(Z) instead "
                    f"of from Z"
                ] = _DW2_FROM_A[activation]
            checks.expect_close(
                name, key, grads[key], expected[key], mistakes=mistakes, where=where
            )
    checks.all_passed(name)


# ---------------------------------------------------------------------------------------------
# update_parameters
# ---------------------------------------------------------------------------------------------
def check_update_parameters(update_parameters):
    """Check one gradient step on a 2-layer network (by hand) and on the visible 3-layer one."""
    name = "update_parameters"
    parameters = {
        "W1": np.array([[1.0, 2.0, -1.0], [0.0, 0.5, 3.0]]),
        "b1": np.array([[0.5], [-1.0]]),
        "W2": np.array([[2.0, -1.0]]),
        "b2": np.array([[0.25]]),
    }
    grads = {
        "dA0": np.ones((3, 5)),
        "dA1": np.ones((2, 5)),
        "dW1": np.array([[0.2, -0.4, 1.0], [2.0, 0.0, -1.0]]),
        "db1": np.array([[1.0], [-0.5]]),
        "dW2": np.array([[0.5, 0.5]]),
        "db2": np.array([[-1.0]]),
    }
    # W - 0.5 dW, entry by entry.
    expected = {
        "W1": np.array([[0.9, 2.2, -1.5], [-1.0, 0.5, 3.5]]),
        "b1": np.array([[0.0], [-0.75]]),
        "W2": np.array([[1.75, -1.25]]),
        "b2": np.array([[0.75]]),
    }
    run = checks.call(update_parameters, parameters, grads, 0.5)
    new = run.output
    checks.expect_keys(name, "new_parameters", new, expected)
    for key, value in expected.items():
        checks.expect_shape(name, key, new[key], value.shape)
    checks.expect_unchanged(run)
    for key, value in expected.items():
        old, grad = parameters[key], grads[f"d{key}"]
        checks.expect_close(
            name,
            key,
            new[key],
            value,
            mistakes={
                "+ learning_rate * gradient (a step uphill)": old + 0.5 * grad,
                "the learning rate ignored": old - grad,
                f"{key} not updated": old,
            },
        )

    # Every layer of a deeper network is updated: with all gradients 1 and learning_rate 0.25,
    # every parameter decreases by exactly 0.25.
    parameters = _copy(_PARAMETERS)
    grads = {f"d{key}": np.ones_like(value) for key, value in parameters.items()}
    where = "on the 3-layer visible network"
    run = checks.call(update_parameters, parameters, grads, 0.25, where=where)
    checks.expect_keys(name, "new_parameters", run.output, parameters)
    checks.expect_unchanged(run)
    for key, value in parameters.items():
        checks.expect_shape(name, key, run.output[key], value.shape)
        checks.expect_close(name, key, run.output[key], value - 0.25, where=where)
    checks.all_passed(name)
