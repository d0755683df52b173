"""Writes the torch.save-style fixtures of TorchCheckpointTest without torch.

Run from this folder with python3 (3.8+); no third-party modules. Fake modules named `torch` and `torch._utils` stand
in for PyTorch so that pickle writes the same GLOBAL/STACK_GLOBAL references torch.save does; persistent ids follow
torch's ('storage', StorageType, key, location, numel) convention and the zip has torch's layout.
"""
import collections, io, pickle, struct, sys, types, zipfile

torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch
sys.modules["torch._utils"] = utils
torch._utils = utils


def _rebuild_tensor_v2(*args):
    raise AssertionError("never called when writing")


def _rebuild_parameter(*args):
    raise AssertionError("never called when writing")


for f in (_rebuild_tensor_v2, _rebuild_parameter):
    f.__module__ = "torch._utils"
    setattr(utils, f.__name__, f)

STORAGE_FORMATS = {"FloatStorage": "f", "LongStorage": "q", "HalfStorage": "H", "BFloat16Storage": "H",
                   "ByteStorage": "B", "BoolStorage": "B"}
for name in STORAGE_FORMATS:
    cls = type(name, (), {"__module__": "torch"})
    setattr(torch, name, cls)


class Storage:
    def __init__(self, kind, key, values):
        self.kind, self.key, self.values = kind, key, values

    def raw(self, order):
        return struct.pack(order + STORAGE_FORMATS[self.kind] * len(self.values), *self.values)


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce_ex__(self, proto):
        return (utils._rebuild_tensor_v2, self.args)


class Parameter:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, proto):
        return (utils._rebuild_parameter, (self.tensor, True, collections.OrderedDict()))


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", getattr(torch, obj.kind), obj.key, "cpu", len(obj.values))
        return None


def save(path, obj, protocol, storages, order="little", prefix="archive"):
    buf = io.BytesIO()
    Pickler(buf, protocol=protocol).dump(obj)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(prefix + "/data.pkl", buf.getvalue())
        z.writestr(prefix + "/byteorder", order)
        for s in storages:
            z.writestr(prefix + "/data/" + s.key, s.raw("<" if order == "little" else ">"))
        z.writestr(prefix + "/version", "3\n")


def state_dict():
    w = Storage("FloatStorage", "0", [1, 2, 3, 4, 5, 6])
    i = Storage("LongStorage", "1", [10, 20, 30, 40, 50])
    h = Storage("HalfStorage", "2", [0x3C00, 0xC000, 0x3555])
    b = Storage("BFloat16Storage", "3", [0x3F80, 0xC040])
    p = Storage("FloatStorage", "4", [0.5])
    u = Storage("ByteStorage", "5", [1, 2, 3])
    m = Storage("BoolStorage", "6", [1, 0])
    sd = collections.OrderedDict()
    sd["w"] = Tensor(w, 0, (2, 3), (3, 1))
    sd["t"] = Tensor(w, 0, (3, 2), (1, 3))  # w transposed: a non-contiguous view of the same storage
    sd["i"] = Tensor(i, 1, (2,), (2,))  # elements 1 and 3: offset and stride
    sd["h"] = Tensor(h, 0, (3,), (1,))
    sd["b"] = Tensor(b, 0, (2,), (1,))
    sd["p"] = Parameter(Tensor(p, 0, (), ()))
    sd["sub"] = {"u": Tensor(u, 0, (3,), (1,)), "m": Tensor(m, 0, (2,), (1,))}
    # torch state dicts carry a _metadata attribute, which pickle writes as BUILD state.
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd, [w, i, h, b, p, u, m]


for proto in (2, 4, 5):
    sd, storages = state_dict()
    save("proto%d.pt" % proto, sd, proto, storages)
sd, storages = state_dict()
save("bigendian.pt", sd, 2, storages, order="big", prefix="any_name")
sd, storages = state_dict()
save("nested.pt", {"epoch": 3, "lr": 0.001, "state_dict": sd, "tags": ["a", None, True]}, 2, storages)
