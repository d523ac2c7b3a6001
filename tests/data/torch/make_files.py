"""Write the torch.save files that tests/test_serialization_torch.py reads (run with torch 2.13):

    python tests/data/torch/make_files.py

Every value is computed from ``arange`` so that the test knows it without torch (``expected()`` in
the test module builds the same objects with NumPy).
"""
import collections
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def dtypes():
    base = torch.arange(24, dtype=torch.float64).reshape(4, 6) / 8 - 1
    return {
        'float64': base.clone(),
        'float32': base.float(),
        'float16': base.half(),
        'bfloat16': base.bfloat16(),
        'int64': torch.arange(-5, 5),
        'int32': torch.arange(6, dtype=torch.int32).reshape(2, 3),
        'int16': torch.arange(4, dtype=torch.int16),
        'int8': torch.arange(-3, 3, dtype=torch.int8),
        'uint8': torch.arange(250, 256, dtype=torch.uint8),
        'bool': torch.arange(5) % 2 == 0,
        'scalar': torch.tensor(2.5),
        'empty': torch.zeros(0, 3),
        'transposed': base.float().t(),          # strides (1, 6)
        'offset_view': base.float()[1:, 2:4],    # shares the storage of another tensor, at an offset
        'parameter': torch.nn.Parameter(torch.arange(3, dtype=torch.float32)),
    }


def state_dict():
    net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    with torch.no_grad():
        for i, p in enumerate(net.parameters()):
            p.copy_(torch.arange(p.numel(), dtype=torch.float32).reshape(p.shape) + i)
    return net.state_dict()


def main():
    shared = dtypes()
    # offset_view must share its storage with 'float32' for the offset case: rebuild it from that one
    shared['offset_view'] = shared['float32'][1:, 2:4]
    torch.save(shared, os.path.join(HERE, 'dtypes.pt'))
    torch.save(shared, os.path.join(HERE, 'dtypes_legacy.pt'), _use_new_zipfile_serialization=False)
    sd = state_dict()
    torch.save(sd, os.path.join(HERE, 'state_dict.pt'))
    net = torch.nn.Linear(3, 2)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net(torch.ones(1, 3)).sum().backward()
    opt.step()
    nested = {'model': sd, 'optimizer': opt.state_dict(), 'epoch': 3, 'tags': ('a', 'b'), 'raw': b'\x00\xff',
              'history': [1.5, float('inf')], 'ordered': collections.OrderedDict(b=1, a=2), 'none': None}
    torch.save(nested, os.path.join(HERE, 'nested.pt'))


if __name__ == '__main__':
    main()
