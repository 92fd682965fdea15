from .enforcement import *  # noqa: F403
from .inspection import *  # noqa: F403
from .plans import *  # noqa: F403
