"""Keras peer for bench/native-vs-keras.ts: the same work on the same TensorFlow wheel.

Reads one JSON request per line on stdin and answers one JSON line on stdout:
  {"op": "inception", "batch": 32}          -> {"seconds": s}  one avg_pool batch, 299x299
  {"op": "gan", "iterations": k}            -> {"seconds": s}  k SFE GAN iterations, d=2048
  {"op": "features", "files": [...], "batch": 32, "size": 299, "resize": "shorter-side-crop",
   "preprocessing": "keras", "out": "x.npz"} -> {"seconds": s}  JPEG files -> avg_pool features
                                             and head probabilities, saved to out
Models are built (and the GAN step traced) once, at the first request of each kind.
"""
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

keras = tf.keras
# The Node side runs with TF_DETERMINISTIC_OPS=1 (ml/backend.ts), inherited here, so both sides pay
# alike; TensorFlow then wants a seed for its random ops.
keras.utils.set_random_seed(1)
DIM, BATCH, PAIRS = 2048, 64, 256
HIDDEN, D_HIDDEN = [256, 512, 1024], [512, 256]


_inception = []


def inception_model():
    """InceptionV3 with its head (random weights), built once for both requests that use it."""
    if not _inception:
        _inception.append(keras.applications.InceptionV3(weights=None))
    return _inception[0]


def inception():
    model = inception_model()
    backbone = keras.Model(model.input, model.get_layer("avg_pool").output)
    # Traced once, as Keras' predict does, rather than run op by op.
    infer = tf.function(lambda x: backbone(x, training=False))
    images = {}

    def run(request):
        batch = request["batch"]
        if batch not in images:
            images[batch] = tf.random.uniform([batch, 299, 299, 3], -1, 1)
            infer(images[batch])  # trace and warm up
        start = time.perf_counter()
        infer(images[batch]).numpy()
        return time.perf_counter() - start

    return run


def features():
    """The features stage as a Keras user writes it: tf.data decodes while the model runs."""
    model = inception_model()
    both = keras.Model(model.input, [model.get_layer("avg_pool").output, model.output])
    infer = tf.function(lambda x: both(x, training=False))

    def run(request):
        assert request["preprocessing"] == "keras", request["preprocessing"]
        size = request["size"]
        # shorter-side-crop: the centre square at the image's aspect, scaled to size (as ours).
        resize = keras.layers.Resizing(size, size, crop_to_aspect_ratio=request["resize"] == "shorter-side-crop")

        def load(path):
            image = tf.io.decode_jpeg(tf.io.read_file(path), channels=3)
            return keras.applications.inception_v3.preprocess_input(resize(tf.cast(image, tf.float32)))

        start = time.perf_counter()
        images = tf.data.Dataset.from_tensor_slices(request["files"]).map(load, num_parallel_calls=tf.data.AUTOTUNE)
        outputs = [[f.numpy(), p.numpy()] for f, p in map(infer, images.batch(request["batch"]).prefetch(tf.data.AUTOTUNE))]
        np.savez(request["out"], features=np.concatenate([f for f, _ in outputs]), probabilities=np.concatenate([p for _, p in outputs]))
        return time.perf_counter() - start

    return run


def generator():
    layers = [keras.Input([DIM])]
    for units in HIDDEN:
        layers += [keras.layers.Dense(units), keras.layers.LeakyReLU(0.2), keras.layers.BatchNormalization(momentum=0.8)]
    layers += [keras.layers.Dense(DIM, activation="tanh"), keras.layers.Dense(DIM)]
    return keras.Sequential(layers)


def discriminator():
    layers = [keras.Input([DIM])]
    for units in D_HIDDEN:
        layers += [keras.layers.Dense(units), keras.layers.LeakyReLU(0.2)]
    layers += [keras.layers.Dense(1, activation="sigmoid")]
    return keras.Sequential(layers)


def gan():
    """Two GANs (PG, NG) with separate discriminators: a D step, then a G step through frozen D."""
    rng = np.random.default_rng(1)
    benign = rng.normal(size=[PAIRS, DIM]).astype("float32")
    inputs = tf.constant(np.concatenate([benign, benign + 0.5]))
    targets = [tf.constant(np.concatenate([benign, benign])), tf.constant(np.concatenate([benign + 0.5, benign + 0.5]))]
    gs, ds = [generator(), generator()], [discriminator(), discriminator()]
    d_opt = keras.optimizers.Adam(1e-5, 0.5, 0.999, 1e-7)
    g_opt = keras.optimizers.Adam(1e-5, 0.5, 0.999, 1e-7)
    bce = keras.losses.BinaryCrossentropy()
    d_vars = ds[0].trainable_variables + ds[1].trainable_variables
    g_vars = gs[0].trainable_variables + gs[1].trainable_variables

    @tf.function(jit_compile=False)
    def step(rows):
        x = tf.gather(inputs, rows)
        t = [tf.gather(target, rows) for target in targets]
        fakes = [g(x, training=False) for g in gs]
        with tf.GradientTape() as tape:
            d_loss = sum(0.5 * (bce(tf.ones([BATCH, 1]), d(ti)) + bce(tf.zeros([BATCH, 1]), d(f))) for d, ti, f in zip(ds, t, fakes))
        d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        with tf.GradientTape() as tape:
            g_loss = 0.0
            for g, d, ti in zip(gs, ds, t):
                generated = g(x, training=True)
                fit = tf.reduce_mean(tf.reduce_sum(tf.square(generated - ti), 1))
                g_loss += 0.999 * fit + 0.001 * bce(tf.ones([BATCH, 1]), d(generated))
        g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        return d_loss, g_loss

    sample = np.random.default_rng(2)

    def rows():
        return tf.constant(sample.choice(2 * PAIRS, BATCH, replace=False).astype("int32"))

    for _ in range(2):  # trace and warm up
        [v.numpy() for v in step(rows())]

    def run(request):
        start = time.perf_counter()
        for _ in range(request["iterations"]):
            [v.numpy() for v in step(rows())]
        return time.perf_counter() - start

    return run


def main():
    runners = {}
    makers = {"inception": inception, "features": features, "gan": gan}
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op not in runners:
            runners[op] = makers[op]()
        print(json.dumps({"seconds": runners[op](request), "tensorflow": tf.__version__}), flush=True)


if __name__ == "__main__":
    main()
