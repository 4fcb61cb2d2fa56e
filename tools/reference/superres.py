"""Reference values for BicubicTest and ImageQualityTest from independent implementations.

Not part of the test run (the course needs neither library). To reproduce, in a scratch environment:
    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install pillow==13.0.0 scikit-image==0.26.0
    /tmp/ref/bin/python tools/reference/superres.py
"""
import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

n = 28
r, c = np.mgrid[0:n, 0:n]
x = 0.5 + 0.4 * np.sin(r / 4.0) * np.cos(c / 5.0)
y = np.clip(x + 0.1 * np.sin(r * 1.7 + c * 0.9), 0, 1)

# Wang et al.'s settings: Gaussian window σ = 1.5 (11×11), population covariances, data range 1
print("SSIM(y, x) =", repr(structural_similarity(y, x, data_range=1, gaussian_weights=True,
                                                 sigma=1.5, use_sample_covariance=False)))

down = np.asarray(Image.fromarray(x.astype(np.float32), mode="F").resize((14, 14), Image.BICUBIC))
up = np.asarray(Image.fromarray(down, mode="F").resize((28, 28), Image.BICUBIC))
print("bicubic 28 -> 14, row 5, columns 5..8:", down[5, 5:9].tolist())
print("bicubic 14 -> 28, row 10, columns 10..13:", up[10, 10:14].tolist())
