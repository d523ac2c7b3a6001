"""The jobs behind the command line (``minigrad demo | train | generalization``), one module each:
:mod:`.linreg` (the seed's 3.4 linear regression three ways), :mod:`.classify` (the seed's 5.2 MLP on
Fashion-MNIST, or softmax regression), :mod:`.generalization` (the seed's 3.6 under/overfitting)."""
