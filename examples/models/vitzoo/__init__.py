"""vitc model zoo: Vision Transformer families written from scratch with torch.nn
and seeded random weights, for exporting to ONNX (see ../export_zoo.py).

MODELS maps a model name to (builder, input shape (C, H, W), task).
"""
from .common import calibrate_batchnorm, init_zoo_weights
from .deit import deit_small, deit_tiny
from .efficientvit import efficientvit_zoo
from .swin import swin_zoo
from .swinir import swinir_zoo
from .tinyvit import tinyvit_zoo

MODELS = {
    "deit_tiny": (deit_tiny, (3, 224, 224), "classification"),
    "deit_small": (deit_small, (3, 224, 224), "classification"),
    "swin": (swin_zoo, (3, 112, 112), "classification"),
    "tinyvit": (tinyvit_zoo, (3, 112, 112), "classification"),
    "efficientvit": (efficientvit_zoo, (3, 224, 224), "classification"),
    "swinir": (swinir_zoo, (3, 48, 48), "image-to-image"),
}


def build(name, seed):
    """Build zoo model `name` with weights initialised from `seed`, in eval mode."""
    import torch
    builder, input_shape, _ = MODELS[name]
    torch.manual_seed(seed)
    model = builder()
    init_zoo_weights(model, seed)
    calibrate_batchnorm(model, input_shape, seed)
    return model.eval()


__all__ = ["MODELS", "build", "calibrate_batchnorm", "init_zoo_weights"]
