"""The training example of docs/nn.md (also in the README) runs and learns."""
import pathlib
import re

DOC = pathlib.Path(__file__).resolve().parents[1] / 'docs' / 'nn.md'


def test_docs_mlp_example_trains_saves_and_reloads(tmp_path, monkeypatch):
    text = DOC.read_text(encoding='utf-8')
    example = re.search(r'## Training a small MLP\n\n```python\n(.*?)```', text, re.S).group(1)
    assert len(example.strip().splitlines()) <= 16
    monkeypatch.chdir(tmp_path)
    scope = {}
    exec(compile(example, str(DOC), 'exec'), scope)
    assert scope['accuracy'] > 0.95
    assert scope['loss'].item() < 0.1
    net, torch, nn = scope['net'], scope['torch'], scope['nn']
    again = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))
    again.load_state_dict(torch.load('mlp.npz'))
    assert bool((again(scope['X']) == net(scope['X'])).all())

