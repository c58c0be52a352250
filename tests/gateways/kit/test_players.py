from gateways.kit.players import PlayerIds


def test_without_a_prefix_ids_are_the_same() -> None:
    assert PlayerIds().to_wallet("testUid03") == "testUid03"
    assert PlayerIds().to_provider("testUid03") == "testUid03"


def test_a_prefix_keeps_a_providers_players_apart() -> None:
    players = PlayerIds("aig-")
    assert players.to_wallet("testUid03") == "aig-testUid03"
    assert players.to_provider("aig-testUid03") == "testUid03"
    assert players.to_provider(players.to_wallet("aig-x")) == "aig-x"
