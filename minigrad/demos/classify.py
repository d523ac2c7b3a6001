"""Train the seed's MLP (5.2) -- or softmax regression -- on Fashion-MNIST with the d2l framework, then
save the curves (PNG), the weights (.npz through ``minigrad.save``) and the history (JSON)."""
import json
import os
import time

from .. import d2l, distributed, manual_seed, save
from ..d2l.board import save_figure
from .._files import atomic_write


def build_model(model, hidden, lr):
    if model == 'mlp':
        return d2l.MLP(num_outputs=10, num_hiddens=hidden, lr=lr)
    if model == 'softmax':
        return d2l.SoftmaxRegression(num_outputs=10, lr=lr)
    if model in CONV_MODELS:
        return CONV_MODELS[model][0](lr)
    raise ValueError(f"unknown model {model!r}: use one of mlp, softmax, {', '.join(CONV_MODELS)}")


#: The convolutional models of ``minigrad train --model``: builder from the learning rate, description.
CONV_MODELS = {
    'lenet': (lambda lr: d2l.LeNet(lr=lr), "the book's LeNet (sigmoid, average pooling, Xavier init)"),
    'lenet-bn': (lambda lr: d2l.LeNetModern(lr=lr, batch_norm=True),
                 'LeNet with ReLU, max pooling and batch norm'),
    'resnet-mini': (lambda lr: d2l.ResNetMini(lr=lr), 'a small ResNet (16-32-64 channels, one block each)'),
}


def plot_history(history, title):
    """Two panels: train/validation loss and validation accuracy per epoch; one legend below both, so
    that it covers no curve (the accuracy climbs into the top right corner a legend would take)."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(8, 3.3), layout='constrained')
    loss_ax, acc_ax = fig.subplots(1, 2)
    epochs = history.column('epoch')
    loss_ax.plot(epochs, history.column('train_loss'), '-o', label='train loss')
    loss_ax.plot(epochs, history.column('val_loss'), '--o', label='val loss')
    loss_ax.set_xlabel('epoch')
    loss_ax.set_ylabel('loss')
    acc_ax.plot(epochs, history.column('val_acc'), '-o', color='C2', label='val accuracy')
    acc_ax.set_xlabel('epoch')
    acc_ax.set_ylabel('accuracy')
    fig.legend(loc='outside lower center', ncol=3, frameon=False)
    fig.suptitle(title if len(history) else f'{title} (no epochs run)')
    return fig


def run(out, model='mlp', epochs=10, lr=0.1, batch_size=256, hidden=256, seed=0, device='cpu'):
    """Train and save into the folder ``out``; returns ``(history, paths)``. Under an MPI launcher
    (after ``minigrad.distributed.init_process_group``) every rank trains on its share of the data and
    only rank 0 prints and saves (the other ranks may pass ``out=None``; they return ``paths == {}``)."""
    main = distributed.is_main_process()
    say = print if main else (lambda *args, **kwargs: None)
    manual_seed(seed)
    start = time.perf_counter()
    data = d2l.FashionMNIST(batch_size=batch_size)
    say(f"Fashion-MNIST: {len(data.train)} training and {len(data.val)} validation images "
        f"(loaded in {time.perf_counter() - start:.1f} s)")
    net = build_model(model, hidden, lr)
    if model in CONV_MODELS:   # materialise the lazy layers; the book's LeNet gets its Xavier init
        first = next(iter(data.get_dataloader(True)))[0]
        net.apply_init([first[:2]], d2l.init_cnn if model == 'lenet' else None)
    net.board.display = False  # the Trainer prints a line per epoch; the board is saved as a PNG
    if main:
        os.makedirs(out, exist_ok=True)
        net.board.path = os.path.join(out, 'progress_board.png')
    num_gpus = 1 if str(device).startswith('cuda') else 0
    described = f"{model}" + (f", {hidden} hidden units" if model == 'mlp' else '') + (
        f" ({CONV_MODELS[model][1]})" if model in CONV_MODELS else '')
    ranks = f", {distributed.get_world_size()} processes" if distributed.is_initialized() else ''
    say(f"Training {described}: lr {lr}, batch {batch_size}, epochs {epochs}, device {device}{ranks}")
    history = d2l.Trainer(max_epochs=epochs, num_gpus=num_gpus).fit(net, data)
    if not epochs:
        say("no epochs were asked for (--epochs 0): the weights are saved as initialised, untrained")
    if not main:
        return history, {}
    paths = {'curves': save_figure(plot_history(history, f'{described} on Fashion-MNIST'),
                                   os.path.join(out, f'{model}_curves.png')),
             'weights': os.path.join(out, f'{model}_weights.npz'),
             'history': os.path.join(out, f'{model}_history.json'),
             'board': net.board.path}
    save(net.state_dict(), paths['weights'])
    _write_json(paths['history'], {'model': model, 'lr': lr, 'batch_size': batch_size, 'hidden': hidden,
                                   'seed': seed, 'device': str(device), 'epochs': list(history)})
    return history, paths


def _write_json(path, obj):
    with atomic_write(path, 'w') as f:
        json.dump(obj, f, indent=1)
