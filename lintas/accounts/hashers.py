from django.contrib.auth.hashers import Argon2PasswordHasher


class LightArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with a small memory cost, for the test suite only (see settings)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
