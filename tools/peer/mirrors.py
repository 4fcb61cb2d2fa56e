"""The course's networks written in PyTorch, layer for layer, for `make bench-peer`.

Each mirror has the library's layers in the library's order with the library's options, so that
both sides compute the same thing; the bench asserts that the trainable weights are as many as
the library's. Where the Java class is, the docstring says; shapes are those of Fashion-MNIST.

Only what the speed depends on is mirrored: the initialisation (a few numbers set once) is the
framework's own on each side.
"""

import torch
from torch import nn
import torch.nn.functional as F


def conv(c_in, c_out, k, stride=1, padding=None, bias=True):
    """A k×k convolution with "same" padding at stride 1 (ConvLayers.conv)."""
    kh, kw = (k, k) if isinstance(k, int) else k
    pad = (kh // 2, kw // 2) if padding is None else padding
    return nn.Conv2d(c_in, c_out, (kh, kw), stride, pad, bias=bias)


def conv_relu(c_in, c_out, k, batch_norm):
    """ConvLayers.convRelu: conv + bias -> ReLU, or conv -> BN (eps 1e-3) -> ReLU."""
    layers = [conv(c_in, c_out, k, bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(c_out, eps=1e-3))
    return nn.Sequential(*layers, nn.ReLU())


def conv_bn(c_in, c_out, k, stride):
    """ConvLayers.convBn: conv without bias -> BN."""
    return nn.Sequential(conv(c_in, c_out, k, stride, bias=False), nn.BatchNorm2d(c_out))


def head(features, hidden, classes, dropout=0.5):
    """Two hidden fully connected layers with ReLU and dropout, then the classifier."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(features, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, classes))


def alexnet():
    """AlexNet.courseSized(): widths 32, 64, 96, 96, 64, hidden 256, 7×7/1 first convolution."""
    return nn.Sequential(
        conv(1, 32, 7, 1, 3), nn.ReLU(), nn.MaxPool2d(3, 2),  # (B, 32, 13, 13)
        conv(32, 64, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(3, 2),  # (B, 64, 6, 6)
        conv(64, 96, 3), nn.ReLU(),
        conv(96, 96, 3), nn.ReLU(),
        conv(96, 64, 3), nn.ReLU(), nn.MaxPool2d(3, 2),  # (B, 64, 2, 2)
        head(64 * 2 * 2, 256, 10))


def vgg11():
    """Vgg.courseSized(): configuration A with widths ÷ 4, on 32×32 images, hidden 256."""
    layers, c = [], 1
    for stage in ([16], [32], [64, 64], [128, 128], [128, 128]):
        for width in stage:
            layers += [conv(c, width, 3), nn.ReLU()]
            c = width
        layers.append(nn.MaxPool2d(2, 2))  # 32 -> 16 -> 8 -> 4 -> 2 -> 1
    return nn.Sequential(*layers, head(128, 256, 10))


class Inception(nn.Module):
    """Inception.module(widths, batchNorm=True, 5): four branches concatenated on channels."""

    def __init__(self, c_in, c1, c3r, c3, c5r, c5, proj):
        super().__init__()
        self.b1 = conv_relu(c_in, c1, 1, True)
        self.b3 = nn.Sequential(conv_relu(c_in, c3r, 1, True), conv_relu(c3r, c3, 3, True))
        self.b5 = nn.Sequential(conv_relu(c_in, c5r, 1, True), conv_relu(c5r, c5, 5, True))
        self.bp = nn.Sequential(nn.MaxPool2d(3, 1, 1), conv_relu(c_in, proj, 1, True))
        self.out = c1 + c3 + c5 + proj

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.bp(x)], 1)


# GoogLeNet.MODULES ÷ 4 (the course's width divisor)
MODULES = {
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64), "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128), "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


class GoogLeNet(nn.Module):
    """GoogLeNet.courseSized(): the course stem, nine modules, two auxiliary heads in training."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(  # (B, 1, 28, 28) -> (B, 48, 14, 14)
            conv_relu(1, 16, 3, True), conv_relu(16, 16, 1, True), conv_relu(16, 48, 3, True),
            nn.MaxPool2d(3, 2, 1))
        self.stages = nn.ModuleList()
        c = 48
        for name, widths in MODULES.items():
            if name in ("4a", "5a"):
                self.stages.append(nn.MaxPool2d(3, 2, 1))  # 14 -> 7 -> 4
            module = Inception(c, *(w // 4 for w in widths))
            self.stages.append(module)
            c = module.out
        self.classifier = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.4), nn.Linear(c, 10))
        self.aux = nn.ModuleList(self.auxiliary(c_in) for c_in in (512 // 4, 528 // 4))
        # after the modules 4a and 4d: stages 4 and 7 counting the pooling before 4a
        self.aux_after = (3, 6)

    @staticmethod
    def auxiliary(c_in):
        """avg-pool 5×5/3 -> 1×1 conv 32 -> FC 256 -> dropout 0.7 -> linear."""
        return nn.Sequential(
            nn.AvgPool2d(5, 3), conv_relu(c_in, 32, 1, True), nn.Flatten(),
            nn.Linear(32, 256), nn.ReLU(), nn.Dropout(0.7), nn.Linear(256, 10))

    def forward(self, x):
        x = self.stem(x)
        aux = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if self.training and i in self.aux_after:
                aux.append(self.aux[len(aux)](x))
        main = self.classifier(x)
        return (main, *aux) if self.training else main


def auxiliary_loss(outputs, y):
    """AuxiliaryLoss.paper(): the main cross-entropy plus 0.3 times each auxiliary one."""
    if not isinstance(outputs, tuple):
        return F.cross_entropy(outputs, y)
    main, *aux = outputs
    return F.cross_entropy(main, y) + 0.3 * sum(F.cross_entropy(a, y) for a in aux)


class BasicBlock(nn.Module):
    """ResidualBlock.original: y = ReLU(conv-BN-ReLU-conv-BN(x) + shortcut(x))."""

    def __init__(self, c_in, c, stride):
        super().__init__()
        self.body = nn.Sequential(
            conv_bn(c_in, c, 3, stride), nn.ReLU(), conv_bn(c, c, 3, 1))
        project = stride != 1 or c_in != c
        self.shortcut = conv_bn(c_in, c, 1, stride) if project else nn.Identity()

    def forward(self, x):
        return F.relu(self.body(x) + self.shortcut(x))


def resnet18():
    """ResNet.courseSized(18): 3×3 stem with 16 channels, stages of 16, 32, 64, 128, two blocks."""
    layers, c = [conv_bn(1, 16, 3, 1), nn.ReLU()], 16
    for s, width in enumerate((16, 32, 64, 128)):
        for i in range(2):
            layers.append(BasicBlock(c, width, 2 if s > 0 and i == 0 else 1))
            c = width
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 10))


class CharLstm(nn.Module):
    """CharLanguageModel.of(Recurrent.engineLstm(64, 1), 60): one-hot -> LSTM -> linear."""

    def __init__(self, vocab=60, hidden=64):
        super().__init__()
        self.vocab = vocab
        self.lstm = nn.LSTM(vocab, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)
        with torch.no_grad():  # the forget gate's bias 1 (gate order i, f, g, o)
            self.lstm.bias_ih_l0[hidden:2 * hidden] = 1
            self.lstm.bias_hh_l0[:2 * hidden] = 0

    def forward(self, x):  # (B, T) -> (B, T, V)
        h, _ = self.lstm(F.one_hot(x, self.vocab).float())
        return self.out(h)


def char_loss(scores, y):
    """CharLanguageModel.loss(): cross-entropy over every position."""
    return F.cross_entropy(scores.reshape(-1, scores.shape[-1]), y.reshape(-1))


def dcgan_generator(z=64, width=32):
    """Dcgan.generator(32, 1): z -> 7×7 -> 14×14 -> 28×28, transposed convolutions."""
    return nn.Sequential(
        nn.Unflatten(1, (z, 1, 1)),
        nn.ConvTranspose2d(z, 2 * width, 7, 1, 0, bias=False), nn.BatchNorm2d(2 * width),
        nn.ReLU(),  # (B, 64, 7, 7)
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width),
        nn.ReLU(),  # (B, 32, 14, 14)
        nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh())  # (B, 1, 28, 28)


def dcgan_discriminator(width=32):
    """Dcgan.discriminator(32): 28×28 -> 14×14 -> 7×7 -> one logit."""
    return nn.Sequential(
        nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width),
        nn.LeakyReLU(0.2),
        nn.Conv2d(2 * width, 1, 7), nn.Flatten())


CLASSIFIERS = {
    "alexnet": (alexnet, F.cross_entropy),
    "vgg11": (vgg11, F.cross_entropy),
    "googlenet": (GoogLeNet, auxiliary_loss),
    "resnet18": (resnet18, F.cross_entropy),
    "lstm": (CharLstm, char_loss),
}


def weights(*modules):
    """Trainable weights, as ModelSummary.countParameters counts them (no BN statistics)."""
    return sum(p.numel() for m in modules for p in m.parameters() if p.requires_grad)
