"""Factories take their size as PyTorch does: as arguments, as one tuple, or as ``size=`` (the book's
``torch.rand(size=(2, 4))``)."""
import pytest

import minigrad


@pytest.mark.parametrize('name', ['zeros', 'ones', 'empty', 'rand', 'randn'])
def test_size_keyword(name):
    factory = getattr(minigrad, name)
    assert factory(size=(2, 4)).shape == (2, 4) == factory(2, 4).shape == factory((2, 4)).shape
    assert factory(size=[3]).shape == (3,)
    with pytest.raises(TypeError, match='not both'):
        factory(2, size=(2, 4))
