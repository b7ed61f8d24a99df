"""The register of innovation statuses (МИП, КИП, …): kinds, assignments with their terms and orders,
extension and revocation, the public register."""
