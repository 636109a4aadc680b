# Type stubs for the compiled module custinsight._core (bindings in cpp/): the shared
# foundations here, one submodule per area, each with its own stub beside this one.
from . import churn as churn
from . import insight as insight
from . import loyalty as loyalty
from . import rfm as rfm
from . import satisfaction as satisfaction
from . import sentiment as sentiment
from . import simulation as simulation

__version__: str
TOUCHPOINTS: list[str]

def set_num_threads(n: int) -> None: ...
def num_threads() -> int: ...
